package ingest

import (
	"runtime"
	"syscall"
	"testing"

	"github.com/claimdesk/claimdesk/internal/ingest/ingesttest"
)

// BenchmarkFromUploadPDF100Pages ingests a 100-page PDF press release
// (target: under 2 s and 100 MB peak). It reports the process's peak
// resident memory (which includes the compiled PDF reader and the test
// binary) and the largest Go heap seen after each ingest.
func BenchmarkFromUploadPDF100Pages(b *testing.B) {
	pdf := ingesttest.PressReleasePDF(b, 100, "Library to close on Sundays")
	if err := StartPDFReader(); err != nil {
		b.Fatal(err)
	}
	var peakHeap uint64
	var before syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	b.Logf("peak RSS before the first ingest (PDF made, reader compiled): %.0f MB", float64(before.Maxrss)/1024)
	b.SetBytes(int64(len(pdf)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, err := FromUpload("report.pdf", pdf)
		if err != nil || len(d.Text) < 70000 {
			b.Fatalf("FromUpload: %v (%d bytes of text)", err, len(d.Text))
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peakHeap = max(peakHeap, ms.HeapInuse)
	}
	b.StopTimer()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
	}
	b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MB")
}
