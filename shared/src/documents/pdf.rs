//! A minimal PDF 1.4 writer: pages of text lines in the standard Helvetica fonts (no embedded
//! fonts, no images), which every PDF reader has. Enough for invoices; small and dependency-free.
//!
//! File layout: header, one object per catalog / page tree / font / info / page / content
//! stream, then the cross-reference table with each object's byte offset, and the trailer.

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.0;
pub const PAGE_HEIGHT: f32 = 842.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Font {
    Regular,
    Bold,
}

impl Font {
    fn resource(self) -> &'static str {
        match self {
            Font::Regular => "F1",
            Font::Bold => "F2",
        }
    }
}

/// One run of text at a position (points from the bottom-left corner).
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub font: Font,
    pub text: String,
}

/// A straight line (rules under headers and totals).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub x1: f32,
    pub y1: f32,
    pub x2: f32,
    pub y2: f32,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub texts: Vec<TextRun>,
    pub rules: Vec<Rule>,
}

impl Page {
    pub fn text(&mut self, x: f32, y: f32, size: f32, font: Font, text: impl Into<String>) {
        self.texts.push(TextRun {
            x,
            y,
            size,
            font,
            text: text.into(),
        });
    }

    /// Text whose right edge is at `right`.
    pub fn text_right(
        &mut self,
        right: f32,
        y: f32,
        size: f32,
        font: Font,
        text: impl Into<String>,
    ) {
        let text = text.into();
        let x = right - text_width(&text, size);
        self.text(x, y, size, font, text);
    }

    pub fn rule(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        self.rules.push(Rule { x1, y1, x2, y2 });
    }
}

/// Helvetica advance widths (1/1000 em) of the printable ASCII characters, from the font's
/// AFM; other characters count as an average glyph. Used to right-align and to clip text.
const HELVETICA_WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
    278, // ' '..'/'
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // '0'..'9'
    278, 278, 584, 584, 584, 556, 1015, // ':'..'@'
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // 'A'..'M'
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // 'N'..'Z'
    278, 278, 278, 469, 556, 333, // '['..'`'
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // 'a'..'m'
    556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // 'n'..'z'
    334, 260, 334, 584, // '{'..'~'
];

/// Width of `text` in points at `size`.
pub fn text_width(text: &str, size: f32) -> f32 {
    let units: u32 = text
        .chars()
        .map(|c| match c {
            ' '..='~' => u32::from(HELVETICA_WIDTHS[(c as usize) - 32]),
            _ => 556,
        })
        .sum();
    units as f32 * size / 1000.0
}

/// `text` shortened (with "...") to fit `width` points at `size`.
pub fn clip(text: &str, width: f32, size: f32) -> String {
    if text_width(text, size) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if text_width(&format!("{out}{c}..."), size) > width {
            break;
        }
        out.push(c);
    }
    format!("{}...", out.trim_end())
}

/// The WinAnsiEncoding byte of a character (what the standard fonts use), with close
/// replacements for letters outside it (Romanian comma-below letters) and `?` otherwise.
fn win_ansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8a,
        '‹' => 0x8b,
        'Œ' => 0x8c,
        'Ž' => 0x8e,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9a,
        '›' => 0x9b,
        'œ' => 0x9c,
        'ž' => 0x9e,
        'Ÿ' => 0x9f,
        'ș' | 'ş' => b's',
        'Ș' | 'Ş' => b'S',
        'ț' | 'ţ' => b't',
        'Ț' | 'Ţ' => b'T',
        'ă' => b'a',
        'Ă' => b'A',
        '\t' | '\n' | '\r' => b' ',
        _ => b'?',
    }
}

/// A PDF literal string: `(` ... `)` with the delimiters escaped and non-ASCII bytes as octal
/// escapes, so the file stays 7-bit.
fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('(');
    for c in text.chars() {
        match win_ansi(c) {
            b'(' => out.push_str("\\("),
            b')' => out.push_str("\\)"),
            b'\\' => out.push_str("\\\\"),
            byte if byte.is_ascii() && !byte.is_ascii_control() => out.push(byte as char),
            byte => out.push_str(&format!("\\{byte:03o}")),
        }
    }
    out.push(')');
    out
}

fn number(value: f32) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    let text = format!("{rounded:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn content_stream(page: &Page) -> String {
    let mut out = String::new();
    if !page.rules.is_empty() {
        out.push_str("0.5 w\n");
        for r in &page.rules {
            out.push_str(&format!(
                "{} {} m {} {} l S\n",
                number(r.x1),
                number(r.y1),
                number(r.x2),
                number(r.y2)
            ));
        }
    }
    for run in &page.texts {
        out.push_str(&format!(
            "BT /{} {} Tf {} {} Td {} Tj ET\n",
            run.font.resource(),
            number(run.size),
            number(run.x),
            number(run.y),
            literal(&run.text)
        ));
    }
    out
}

/// The bytes of a PDF with these pages (at least one; an empty page is added otherwise).
pub fn write_pdf(title: &str, pages: &[Page]) -> Vec<u8> {
    let blank = [Page::default()];
    let pages = if pages.is_empty() { &blank[..] } else { pages };
    // Objects 1-5 are fixed; each page then takes two (the page, its content stream).
    let first_page_object = 6;
    let page_refs: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", first_page_object + 2 * i))
        .collect();
    let mut objects: Vec<String> = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            page_refs.join(" "),
            pages.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
            .to_string(),
        format!("<< /Title {} /Producer (b2b-portal) >>", literal(title)),
    ];
    for (i, page) in pages.iter().enumerate() {
        let content_ref = first_page_object + 2 * i + 1;
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {content_ref} 0 R >>",
            number(PAGE_WIDTH),
            number(PAGE_HEIGHT)
        ));
        let stream = content_stream(page);
        objects.push(format!(
            "<< /Length {} >>\nstream\n{stream}endstream",
            stream.len()
        ));
    }

    // A binary comment after the header tells transfer tools the file is binary.
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref_offset = out.len();
    let mut xref = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        // Each entry is exactly 20 bytes: 10-digit offset, 5-digit generation, `n`, space, LF.
        xref.push_str(&format!("{offset:010} 00000 n \n"));
    }
    out.extend_from_slice(xref.as_bytes());
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref_offset}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }

    #[test]
    fn xref_offsets_point_at_their_objects() {
        let mut page = Page::default();
        page.text(50.0, 800.0, 12.0, Font::Bold, "Factura (A) \\ 1");
        page.rule(50.0, 790.0, 545.0, 790.0);
        let mut second = Page::default();
        second.text(
            50.0,
            800.0,
            10.0,
            Font::Regular,
            "Página 2 – São Paulo, Timișoara €",
        );
        let pdf = write_pdf("Test", &[page, second]);
        assert!(pdf.starts_with(b"%PDF-1.4\n"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(&pdf).to_string();
        let startxref: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(&pdf[startxref..startxref + 4], b"xref");
        let table = std::str::from_utf8(&pdf[startxref..]).unwrap();
        let count: usize = table
            .lines()
            .nth(1)
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(count, 10); // 5 fixed objects + 2 per page + the free entry
        for (i, line) in table.lines().skip(3).take(count - 1).enumerate() {
            assert_eq!(line.len() + 1, 20, "xref entries are 20 bytes");
            let offset: usize = line[..10].parse().unwrap();
            let header = format!("{} 0 obj", i + 1);
            assert_eq!(&pdf[offset..offset + header.len()], header.as_bytes());
        }
        // Content stream lengths are exact.
        let stream_at = find(&pdf, b"stream\n").unwrap() + "stream\n".len();
        let end = find(&pdf[stream_at..], b"endstream").unwrap();
        let length_at = find(&pdf, b"/Length ").unwrap() + "/Length ".len();
        let length: usize = std::str::from_utf8(&pdf[length_at..length_at + 12])
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(length, end);
        // Escapes and WinAnsi bytes.
        assert!(text.contains("(Factura \\(A\\) \\\\ 1)"));
        assert!(text.contains("P\\341gina 2 \\226 S\\343o Paulo, Timisoara \\200"));
        assert!(pdf.iter().skip(16).all(|b| b.is_ascii()));
    }

    #[test]
    fn widths_align_and_clip() {
        assert_eq!(
            text_width("100.00", 10.0),
            (556.0 * 5.0 + 278.0) * 10.0 / 1000.0
        );
        let clipped = clip("A very long description that does not fit", 60.0, 10.0);
        assert!(clipped.ends_with("..."));
        assert!(text_width(&clipped, 10.0) <= 60.0);
        assert_eq!(clip("short", 60.0, 10.0), "short");
    }
}
