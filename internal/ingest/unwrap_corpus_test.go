package ingest

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestCorpusUnwrapVariants unwraps ../shared/corpus/news-text, where files
// with the same leading number are one text through different conversions,
// and measures how close the variants of a text come out. For each pair of
// variants the words are aligned (longest common subsequence) and two
// figures are taken: the share of words aligned (text agreement) and the
// share of paragraph breaks, at aligned words, that both variants have
// (paragraph agreement, a Jaccard index; 1 when neither has a break).
func TestCorpusUnwrapVariants(t *testing.T) {
	dir := corpusFile(t, "news-text")
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no news-text files: %v", err)
	}
	groups := map[string][]string{}
	texts := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, err := FromText(b)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(f), err)
		}
		name := filepath.Base(f)
		texts[name] = d.Text
		if n := strings.Count(d.Text, "\n") - 2*strings.Count(d.Text, "\n\n"); n > 0 {
			t.Errorf("%s: %d line breaks left inside paragraphs", name, n)
		}
		lead := name[:strings.IndexByte(name, '_')]
		groups[lead] = append(groups[lead], name)
	}
	var leads []string
	for l := range groups {
		leads = append(leads, l)
	}
	sort.Strings(leads)
	var sumText, sumPara, sameText, samePara float64
	pairs, samePairs := 0, 0
	for _, lead := range leads {
		names := groups[lead]
		for i := range names {
			for j := i + 1; j < len(names); j++ {
				text, para := variantAgreement(texts[names[i]], texts[names[j]])
				t.Logf("%-40s %-40s text %.3f paragraphs %.3f", names[i], names[j], text, para)
				sumText += text
				sumPara += para
				pairs++
				// Variants in the same layout must agree on every paragraph
				// break;
				// "different_format" variants and a text embedded in others
				// keep the breaks of their own source; the two
				// "different_format" variants themselves differ in one
				// break (the PDF has a paragraph the ODT lacks).
				same := strings.Contains(names[i], "different_format") == strings.Contains(names[j], "different_format") &&
					!strings.Contains(names[i]+names[j], "within_other")
				want := 1.0
				if strings.Contains(names[i], "different_format") {
					want = 0.75
				}
				if same {
					sameText += text
					samePara += para
					samePairs++
					if para < want {
						t.Errorf("%s and %s: paragraph agreement %.3f, want at least %.2f", names[i], names[j], para, want)
					}
				}
			}
		}
	}
	t.Logf("mean over all %d pairs: text %.3f, paragraphs %.3f", pairs, sumText/float64(pairs), sumPara/float64(pairs))
	t.Logf("mean over %d pairs in the same layout: text %.3f, paragraphs %.3f", samePairs, sameText/float64(samePairs), samePara/float64(samePairs))
}

// variantAgreement aligns the words of a and b and returns the share of the
// shorter text's words that align, and the Jaccard index of the paragraph
// breaks at aligned words.
func variantAgreement(a, b string) (text, para float64) {
	wa, ba := wordsAndBreaks(a)
	wb, bb := wordsAndBreaks(b)
	// LCS table over words, then walk back to the aligned pairs.
	n, m := len(wa), len(wb)
	dp := make([][]int32, n+1)
	for i := range dp {
		dp[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			switch {
			case wa[i] == wb[j]:
				dp[i][j] = dp[i+1][j+1] + 1
			case dp[i+1][j] >= dp[i][j+1]:
				dp[i][j] = dp[i+1][j]
			default:
				dp[i][j] = dp[i][j+1]
			}
		}
	}
	// A break at a word the other text lacks (a bullet, an OCR error)
	// moves to the next aligned word.
	both, either := 0, 0
	var carryA, carryB bool
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case wa[i] == wb[j]:
			inA, inB := ba[i] || carryA, bb[j] || carryB
			carryA, carryB = false, false
			if inA || inB {
				either++
				if inA && inB {
					both++
				}
			}
			i++
			j++
		case dp[i+1][j] >= dp[i][j+1]:
			carryA = carryA || ba[i]
			i++
		default:
			carryB = carryB || bb[j]
			j++
		}
	}
	text = float64(dp[0][0]) / float64(min(n, m))
	para = 1
	if either > 0 {
		para = float64(both) / float64(either)
	}
	return text, para
}

// wordsAndBreaks splits text into words and marks the words that start a
// paragraph (other than the first).
func wordsAndBreaks(text string) (words []string, breaks []bool) {
	for k, p := range strings.Split(text, "\n\n") {
		for i, w := range strings.Fields(p) {
			words = append(words, w)
			breaks = append(breaks, i == 0 && k > 0)
		}
	}
	return words, breaks
}
