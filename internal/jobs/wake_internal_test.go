package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver"

	"github.com/ferryhq/ferry/internal/store/storetest"
)

// TestWakeListener_WakeIsAnInsertNotification pins the wake-up itself, on
// the real driver's listener of an idle queue: a wake is delivered at once
// as River's insert notification for the queue, with nothing written to
// the database, and a wait that was already running returns it too.
func TestWakeListener_WakeIsAnInsertNotification(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	base, pool, err := driverFor(db, true)
	if err != nil {
		t.Fatal(err)
	}
	if pool != nil {
		t.Cleanup(pool.Close)
	}
	if _, err := open(ctx, db, newWakeDriver(base), nil, Config{}); err != nil { // River's tables
		t.Fatal(err)
	}
	d := newWakeDriver(base)
	l := d.GetListener(&riverdriver.GetListenenerParams{})
	if err := l.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close(context.Background()) })
	if err := l.Listen(ctx, insertTopic); err != nil {
		t.Fatal(err)
	}
	want := `{"queue":"default"}`
	d.wake("default") // before the wait
	d.wake("default") // coalesced with the first
	if n, err := l.WaitForNotification(ctx); err != nil || n.Topic != insertTopic || n.Payload != want {
		t.Fatalf("got %+v, %v; want an insert notification %s", n, err, want)
	}
	got := make(chan *riverdriver.Notification, 1)
	go func() {
		n, _ := l.WaitForNotification(ctx)
		got <- n
	}()
	time.Sleep(20 * time.Millisecond) // let the wait start (either way it must return the wake)
	d.wake("default")
	select {
	case n := <-got:
		if n == nil || n.Payload != want {
			t.Fatalf("got %+v, want an insert notification %s", n, want)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a running wait did not return the wake")
	}
}
