package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mockpay/mockpay/internal/config"
)

// --max-merchants holds under concurrent creation: exactly the limit is
// made, the rest are refused with 409 and a reason, and deleting one frees
// its place.
func TestMaxMerchantsHoldsUnderConcurrentCreation(t *testing.T) {
	cfg := config.Default()
	cfg.Seed = 42
	cfg.MaxMerchants = 5 // merchants, not requests: a request for both providers makes two
	ts := startServerWith(t, cfg, time.Now)
	create := func(body string) (int, map[string]any) {
		resp, err := http.Post(ts.URL+"/_mockpay/merchants", "application/json", strings.NewReader(body))
		if err != nil {
			t.Error(err)
			return 0, nil
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}

	var mu sync.Mutex
	codes := map[int]int{}
	var keys []string
	var wg sync.WaitGroup
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, out := create(`{"liqpay":{}}`)
			mu.Lock()
			defer mu.Unlock()
			codes[code]++
			switch code {
			case http.StatusCreated:
				keys = append(keys, out["liqpay"].(map[string]any)["public_key"].(string))
			case http.StatusConflict:
				if msg, _ := out["error"].(string); !strings.Contains(msg, "--max-merchants") {
					t.Errorf("409 without the reason: %v", out)
				}
			}
		}()
	}
	wg.Wait()
	if diff := cmp.Diff(map[int]int{http.StatusCreated: 5, http.StatusConflict: 7}, codes); diff != "" {
		t.Fatalf("answers (-want +got):\n%s", diff)
	}
	// Full: a request for two more is refused whole, none of it made.
	if code, _ := create(`{"liqpay":{},"liquido":{}}`); code != http.StatusConflict {
		t.Fatalf("create past the limit: HTTP %d", code)
	}
	req, _ := http.NewRequest(http.MethodDelete, ts.URL+"/_mockpay/merchants/"+keys[0], nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if code, out := create(`{"liquido":{}}`); code != http.StatusCreated {
		t.Fatalf("create after a delete: HTTP %d %v", code, out)
	}
	if code, _ := create(`{"liqpay":{}}`); code != http.StatusConflict {
		t.Fatalf("create past the limit again: HTTP %d", code)
	}
}
