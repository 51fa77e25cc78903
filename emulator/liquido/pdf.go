package liquido

import (
	"bytes"
	"fmt"
	"strings"
)

// boletoPDF renders a one-page A4 boleto as a real PDF 1.4 file: a few lines
// of text in Helvetica and the barcode as Interleaved 2 of 5 bars, which is
// how boleto barcodes are printed. It is built by hand — five objects, a
// cross-reference table with exact byte offsets — so it needs no library and
// any PDF reader opens it.
func boletoPDF(lines []string, barcode string) []byte {
	var content bytes.Buffer
	content.WriteString("BT /F1 11 Tf 56 780 Td 16 TL\n")
	for i, l := range lines {
		if i == 0 {
			content.WriteString("/F1 16 Tf (" + pdfText(l) + ") Tj /F1 11 Tf T* T*\n")
			continue
		}
		content.WriteString("(" + pdfText(l) + ") Tj T*\n")
	}
	content.WriteString("ET\n")
	content.WriteString(itfBars(barcode, 56, 420, 50))

	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
	}
	var out bytes.Buffer
	// The second line's high bytes tell transfer tools the file is binary.
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off) // each entry exactly 20 bytes
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return out.Bytes()
}

// pdfText escapes a line for a PDF string literal; anything outside
// printable ASCII becomes "?" (the font is not embedded).
func pdfText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r > 0x7e:
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// itfPatterns are the Interleaved 2 of 5 widths of each digit: n narrow, w wide.
var itfPatterns = [10]string{"nnwwn", "wnnnw", "nwnnw", "wwnnn", "nnwnw", "wnwnn", "nwwnn", "nnnww", "wnnwn", "nwnwn"}

// itfBars draws an even-length digit string as Interleaved 2 of 5 bars
// (filled rectangles) with the lower left corner at x, y: a start code, each
// digit pair as five bars (first digit) interleaved with five spaces (second
// digit), and a stop code. Narrow is 1 pt, wide 3 pt.
func itfBars(code string, x, y, height float64) string {
	if len(code)%2 == 1 {
		code = "0" + code
	}
	const narrow, wide = 1.0, 3.0
	width := func(c byte) float64 {
		if c == 'w' {
			return wide
		}
		return narrow
	}
	var b strings.Builder
	bar := func(w float64) {
		fmt.Fprintf(&b, "%.1f %.1f %.1f %.1f re f\n", x, y, w, height)
		x += w
	}
	bar(narrow) // start: bar, space, bar, space — all narrow
	x += narrow
	bar(narrow)
	x += narrow
	for i := 0; i+1 < len(code); i += 2 {
		bars, spaces := itfPatterns[code[i]-'0'], itfPatterns[code[i+1]-'0']
		for k := range 5 {
			bar(width(bars[k]))
			x += width(spaces[k])
		}
	}
	bar(wide) // stop: wide bar, narrow space, narrow bar
	x += narrow
	bar(narrow)
	return b.String()
}
