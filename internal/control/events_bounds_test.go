package control

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mockpay/mockpay/internal/events"
)

func TestEventsBeyondTheCapAre503(t *testing.T) {
	hub := &events.Hub{MaxSubscribers: 2}
	srv := httptest.NewServer(Events{Hub: hub})
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for range 2 {
		_, resp := stream(t, ctx, srv.URL)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("stream within the cap: status %d", resp.StatusCode)
		}
	}
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body Error
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("503 body is not JSON: %v", err)
	}
	if resp.StatusCode != http.StatusServiceUnavailable || body.Error == "" {
		t.Errorf("third stream: status %d, error %q; want 503 with an error", resp.StatusCode, body.Error)
	}
	if n := hub.Subscribers(); n != 2 {
		t.Errorf("%d subscribers after the refusal, want 2", n)
	}
	cancel()
	waitSubscribers(t, hub, 0)
	// A place freed is a place to take again.
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	if _, resp := stream(t, ctx2, srv.URL); resp.StatusCode != http.StatusOK {
		t.Errorf("stream after the others closed: status %d", resp.StatusCode)
	}
}

func TestEventsEndWhenTheHubCloses(t *testing.T) {
	hub := &events.Hub{}
	srv := httptest.NewServer(Events{Hub: hub})
	t.Cleanup(srv.Close)
	lines, _ := stream(t, context.Background(), srv.URL)
	waitSubscribers(t, hub, 1)
	hub.Close()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-lines:
			if !ok {
				waitSubscribers(t, hub, 0)
				return
			}
		case <-deadline:
			t.Fatal("stream still open 5 s after the hub closed")
		}
	}
}

// A client that sends its request and never reads is dropped once a write
// cannot go out within WriteTimeout, instead of holding its goroutine.
func TestEventsDropAClientThatNeverReads(t *testing.T) {
	hub := &events.Hub{}
	srv := httptest.NewServer(Events{Hub: hub, WriteTimeout: 200 * time.Millisecond})
	t.Cleanup(srv.Close)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetReadBuffer(4 << 10) // fill sooner
	}
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	if _, err := bufio.NewReader(conn).ReadString('\n'); err != nil { // the status line, then no more reading
		t.Fatal(err)
	}
	waitSubscribers(t, hub, 1)
	big := json.RawMessage(`"` + strings.Repeat("x", 32<<10) + `"`)
	deadline := time.Now().Add(20 * time.Second)
	for hub.Subscribers() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("a client that never reads still subscribed after 20 s")
		}
		for range 16 {
			hub.Publish(events.Event{Kind: events.Payment, Data: big})
		}
		time.Sleep(time.Millisecond)
	}
}
