package jobs

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/riverqueue/river/riverdriver"
)

// A job queued in a transaction can only be fetched once the transaction
// commits, and River learns of it through its listener: PostgreSQL's
// LISTEN/NOTIFY, or on SQLite an outbox table the listener polls every
// 50 ms; a notification River skips (it sends at most one per queue per
// FetchCooldown) leaves the job to the next fetch poll. So that a job
// queued by this process starts at once, whatever the database, the
// commit wakes this process's listener directly (Client.InsertTx): the
// listener hands River an insert notification for the job's queue, as
// the database would, and River fetches at once.

// wakeDriver is a River driver whose listener a local commit can wake.
type wakeDriver struct {
	riverdriver.Driver[*sql.Tx]
	wakes chan string // queue names; one pending wake is enough
}

func newWakeDriver(d riverdriver.Driver[*sql.Tx]) *wakeDriver {
	return &wakeDriver{Driver: d, wakes: make(chan string, 1)}
}

// GetListener wraps the driver's listener so that wake reaches it.
func (d *wakeDriver) GetListener(params *riverdriver.GetListenenerParams) riverdriver.Listener {
	return &wakeListener{Listener: d.Driver.GetListener(params), wakes: d.wakes}
}

// wake tells the listener that a job was committed in queue. It never
// blocks: a wake already pending covers this one (a fetch takes every
// job available), and a process that does not work has no listener.
func (d *wakeDriver) wake(queue string) {
	select {
	case d.wakes <- queue:
	default:
	}
}

// wakeListener is the driver's listener, also woken by wake.
type wakeListener struct {
	riverdriver.Listener
	wakes   chan string
	pending *riverdriver.Notification // a real one that arrived with a wake
}

type waited struct {
	n   *riverdriver.Notification
	err error
}

// WaitForNotification returns the next notification from the database,
// or an insert notification as soon as a local commit wakes it.
func (l *wakeListener) WaitForNotification(ctx context.Context) (*riverdriver.Notification, error) {
	if n := l.pending; n != nil {
		l.pending = nil
		return n, nil
	}
	select {
	case queue := <-l.wakes:
		return insertNotification(queue), nil
	default:
	}
	waitCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan waited, 1)
	go func() {
		n, err := l.Listener.WaitForNotification(waitCtx)
		done <- waited{n, err}
	}()
	select {
	case w := <-done:
		return w.n, w.err
	case queue := <-l.wakes:
		cancel()
		if w := <-done; w.err == nil {
			l.pending = w.n
		} else if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return insertNotification(queue), nil
	}
}

// insertTopic and the payload are what River's insert sends through the
// database (its notifier's "river_insert" topic, {"queue": name}).
const insertTopic = "river_insert"

func insertNotification(queue string) *riverdriver.Notification {
	payload, _ := json.Marshal(struct {
		Queue string `json:"queue"`
	}{queue})
	return &riverdriver.Notification{Topic: insertTopic, Payload: string(payload)}
}
