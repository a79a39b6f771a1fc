package handlers_test

import (
	"strconv"

	"github.com/claimdesk/claimdesk/internal/store"
)

func strconvFormat(n int64) string { return strconv.FormatInt(n, 10) }

func historyQuery(claimID int64) store.HistoryQuery { return store.HistoryQuery{ClaimID: claimID} }
