package webtest

import (
	"context"
	"encoding/base64"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/testenv"
)

// Chromium is Debian's chromium, which .ci/run installs.
const Chromium = "/usr/bin/chromium"

// Browser is a headless chromium on env's server. Its methods fail the
// test on any error; each waits for what it does (a page load, an
// element) at most stepTimeout. Run other chromedp actions with Do.
type Browser struct {
	t    testing.TB
	base string
	ctx  context.Context
	// dialogs counts the JavaScript dialogs (alert, confirm, prompt) pages
	// opened: a page of Ferry opens none.
	dialogs atomic.Int64
}

// StartBrowser starts a headless chromium for t (skipped, or failed when
// parts are required, when chromium is not installed); it stops when t
// ends. Each step waits at most stepTimeout.
func StartBrowser(t testing.TB, env *servertest.Env) *Browser {
	t.Helper()
	path := testenv.NeedFile(t, Chromium, "chromium", "apt-get install chromium (see .ci/run)")
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1200, 900))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	// The first run starts the browser, on a context without a deadline:
	// a deadline there would stop the browser with it.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	b := &Browser{t: t, base: env.URL, ctx: ctx}
	if err := chromedp.Listen(ctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			b.dialogs.Add(1)
		}
	}); err != nil {
		t.Fatalf("listen to chromium: %v", err)
	}
	return b
}

// Dialogs is how many JavaScript dialogs the pages opened so far (an
// alert() of injected script among them).
func (b *Browser) Dialogs() int64 { return b.dialogs.Load() }

// stepTimeout bounds each browser step.
const stepTimeout = 30 * time.Second

// Do runs chromedp actions, failing t on an error.
func (b *Browser) Do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// run runs one action and returns its value, failing t on an error.
func run[T any](b *Browser, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("browser: %v", err)
	}
	return v
}

// Open loads the page at path (e.g. "/explore") and waits for it.
func (b *Browser) Open(path string) {
	b.t.Helper()
	// Navigate returns on the load event; wait for the new document
	// (the old one is marked) to be complete as well, so that the next
	// step never meets a page still being replaced.
	b.Do(chromedp.Evaluate[chromedp.Void](`window.__ferryOld = true`), chromedp.Navigate(b.base+path))
	b.waitForNewPage()
}

// waitForNewPage waits until the marked page was replaced by a loaded one.
func (b *Browser) waitForNewPage() {
	b.t.Helper()
	b.waitFor(`window.__ferryOld === undefined && document.readyState === "complete"`)
}

// WaitFor waits until the JavaScript expression is true (a live page
// reaching a state).
func (b *Browser) WaitFor(expr string) {
	b.t.Helper()
	b.waitFor(expr)
}

// Fetch downloads path with the browser's session (its cookies) and
// returns the body; a status other than 200 fails t.
func (b *Browser) Fetch(path string) []byte {
	b.t.Helper()
	js := `fetch(` + strconv.Quote(path) + `, {credentials: "same-origin"}).then(async r => {
	  if (r.status !== 200) { throw new Error("status " + r.status); }
	  const bytes = new Uint8Array(await r.arrayBuffer());
	  let s = "";
	  for (let i = 0; i < bytes.length; i += 8192) { s += String.fromCharCode(...bytes.subarray(i, i + 8192)); }
	  return btoa(s);
	})`
	encoded := run(b, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	data, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		b.t.Fatalf("fetch %s: %v", path, err)
	}
	return data
}

// waitFor evaluates the JavaScript expression until it is true. Errors
// while a page replaces another (the document is gone) are retried.
func (b *Browser) waitFor(expr string) {
	b.t.Helper()
	var err error
	for deadline := time.Now().Add(stepTimeout); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
		var ok bool
		ok, err = chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
	}
	b.t.Fatalf("browser: waiting for %s: %v", expr, err)
}

// Click clicks the element sel (a CSS selector) and waits for the page it
// leads to: a link or a form's submit button.
func (b *Browser) Click(sel string) {
	b.t.Helper()
	b.Do(chromedp.Evaluate[chromedp.Void](`window.__ferryOld = true`), chromedp.Click(chromedp.CSS(sel)))
	b.waitForNewPage()
}

// Type types text into the input sel.
func (b *Browser) Type(sel, text string) {
	b.t.Helper()
	b.Do(chromedp.SendKeys(chromedp.CSS(sel), text))
}

// Text returns the visible text of the first element sel.
func (b *Browser) Text(sel string) string {
	b.t.Helper()
	return run(b, chromedp.Text(chromedp.CSS(sel)))
}

// Attr returns attribute name of the first element sel ("" if unset).
func (b *Browser) Attr(sel, name string) string {
	b.t.Helper()
	return run(b, chromedp.AttributeValue(chromedp.CSS(sel), name)).Value
}

// Location is the address of the page shown.
func (b *Browser) Location() string {
	b.t.Helper()
	return run(b, chromedp.Location())
}

// Has reports whether the page holds an element sel, without waiting.
func (b *Browser) Has(sel string) bool {
	b.t.Helper()
	return run(b, chromedp.Evaluate[int](`document.querySelectorAll(`+strconv.Quote(sel)+`).length`)) > 0
}

// Loaded reports whether the image sel is on the page and was loaded
// (it has a size), waiting for it at most stepTimeout.
func (b *Browser) Loaded(sel string) bool {
	b.t.Helper()
	q := `document.querySelector(` + strconv.Quote(sel) + `)`
	expr := q + ` !== null && ` + q + `.complete && ` + q + `.naturalWidth > 0`
	for deadline := time.Now().Add(stepTimeout); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if run(b, chromedp.Evaluate[bool](expr)) {
			return true
		}
		if run(b, chromedp.Evaluate[bool](q+` === null || `+q+`.complete`)) {
			return false
		}
	}
	return false
}

// SignIn signs in with token through the sign-in form.
func (b *Browser) SignIn(token string) {
	b.t.Helper()
	b.Open("/users/sign_in")
	b.Type("#token", token)
	b.Click(`form.form button[type="submit"]`)
}

// SignOut presses the header's sign-out button.
func (b *Browser) SignOut() {
	b.t.Helper()
	b.Click(`[data-testid="sign-out"]`)
}
