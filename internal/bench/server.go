package bench

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// server is a `ferry serve` process under measurement.
type server struct {
	cmd   *exec.Cmd
	base  string
	data  string
	token string
	log   *os.File
	peak  atomic.Int64 // highest VmRSS seen, in kB
	stopc chan struct{}
	wg    sync.WaitGroup
}

// startServer starts `ferry serve` on data, with extra flags.
func startServer(ctx context.Context, binary, data string, extra ...string) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	s := &server{base: "http://" + addr, data: data, token: "glpat-bench-" + strings.ToLower(rand.Text()), stopc: make(chan struct{})}
	s.cmd = exec.CommandContext(ctx, binary, append([]string{"serve", "--listen", addr, "--data", data}, extra...)...)
	s.cmd.Env = append(os.Environ(), "FERRY_ROOT_TOKEN="+s.token)
	if err := os.MkdirAll(filepath.Dir(data), 0o755); err != nil {
		return nil, err
	}
	logf, err := os.OpenFile(data+".log", os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	s.cmd.Stdout, s.cmd.Stderr, s.log = logf, logf, logf
	if err := s.cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	if err := s.waitReady(); err != nil {
		s.stop()
		return nil, err
	}
	_, err = s.call("PUT", "/application/settings", "application/x-www-form-urlencoded",
		strings.NewReader("project_import_limit=0&project_export_limit=0&project_download_export_limit=0"))
	s.wg.Add(1)
	go s.sampleRSS()
	return s, err
}

func (s *server) waitReady() error {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(s.base + "/-/readiness"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
	}
	return errors.New("the server did not become ready")
}

// sampleRSS records the process's resident memory every 20 ms.
func (s *server) sampleRSS() {
	defer s.wg.Done()
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		if kb := procKB(s.cmd.Process.Pid, "VmRSS:"); kb > s.peak.Load() {
			s.peak.Store(kb)
		}
		select {
		case <-s.stopc:
			return
		case <-t.C:
		}
	}
}

// resetPeak starts a new peak measurement and returns the previous one in
// MB: the highest sampled VmRSS or the kernel's own high-water mark
// (VmHWM, which misses nothing between samples and is reset here through
// clear_refs).
func (s *server) resetPeak() float64 {
	pid := s.cmd.Process.Pid
	hwm := procKB(pid, "VmHWM:")
	_ = os.WriteFile("/proc/"+strconv.Itoa(pid)+"/clear_refs", []byte("5"), 0)
	return float64(max(s.peak.Swap(procKB(pid, "VmRSS:")), hwm)) / 1024
}

// procKB reads one field (in kB) of /proc/<pid>/status.
func procKB(pid int, field string) int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

func (s *server) stop() {
	close(s.stopc)
	s.wg.Wait()
	s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
	}
	s.log.Close()
}

func (s *server) repoDir(projectID int64) string {
	return filepath.Join(s.data, "repositories", strconv.FormatInt(projectID, 10)+".git")
}

// call sends one API request and returns the body of a 2xx answer.
func (s *server) call(method, path, contentType string, body io.Reader) ([]byte, error) {
	req, err := http.NewRequest(method, s.base+"/api/v4"+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("PRIVATE-TOKEN", s.token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return b, err
}

// upload posts the archive as a streamed multipart import.
func (s *server) upload(archivePath, path string) (int64, error) {
	f, err := os.Open(archivePath)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		mw.WriteField("path", path)
		fw, err := mw.CreateFormFile("file", filepath.Base(archivePath))
		if err == nil {
			_, err = io.Copy(fw, f)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	b, err := s.call("POST", "/projects/import", mw.FormDataContentType(), pr)
	if err != nil {
		return 0, err
	}
	var st struct{ ID int64 }
	return st.ID, json.Unmarshal(b, &st)
}
