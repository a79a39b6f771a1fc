package store_test

import (
	"testing"
	"time"

	"github.com/claimdesk/claimdesk/internal/store"
)

func TestAccountDelay(t *testing.T) {
	tests := map[int]time.Duration{
		0: 0, 4: 0, // the first five failures cost nothing
		5: 2 * time.Second, 6: 4 * time.Second, 7: 8 * time.Second, 10: 64 * time.Second,
		12: 256 * time.Second, 13: 5 * time.Minute, 40: 5 * time.Minute, 1000: 5 * time.Minute,
	}
	for n, want := range tests {
		if got := store.AccountDelay(n); got != want {
			t.Errorf("AccountDelay(%d) = %s; want %s", n, got, want)
		}
	}
}
