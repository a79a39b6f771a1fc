//go:build race

package reanchor

const raceEnabled = true
