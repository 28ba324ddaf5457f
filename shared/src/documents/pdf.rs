//! A minimal PDF 1.4 writer: pages of text lines in the standard Helvetica fonts (no embedded
//! fonts, no images), which every PDF reader has. Enough for invoices; small and dependency-free.
//!
//! File layout: header, one object per catalog / page tree / font / info / font encoding /
//! ToUnicode map / page / content stream, then the cross-reference table with each object's byte
//! offset, and the trailer. Text is in WinAnsiEncoding plus the Romanian letters (see
//! [`encode`]), so Spanish, Portuguese, Romanian and English print and extract exactly.

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

/// The ASCII letter whose width an accented letter has (Helvetica draws accented letters on the
/// base letter's advance), for width estimates.
fn base_letter(c: char) -> char {
    match c {
        'À'..='Å' | 'Ă' => 'A',
        'à'..='å' | 'ă' => 'a',
        'Ç' => 'C',
        'ç' => 'c',
        'È'..='Ë' => 'E',
        'è'..='ë' => 'e',
        'Ì'..='Ï' => 'I',
        'ì'..='ï' => 'i',
        'Ñ' => 'N',
        'ñ' => 'n',
        'Ò'..='Ö' | 'Ø' => 'O',
        'ò'..='ö' | 'ø' => 'o',
        'Ù'..='Ü' => 'U',
        'ù'..='ü' => 'u',
        'Ý' | 'Ÿ' => 'Y',
        'ý' | 'ÿ' => 'y',
        'Ș' | 'Ş' | 'Š' => 'S',
        'ș' | 'ş' | 'š' => 's',
        'Ț' | 'Ţ' => 'T',
        'ț' | 'ţ' => 't',
        'Ž' => 'Z',
        'ž' => 'z',
        other => other,
    }
}

/// Width of `text` in points at `size`.
pub fn text_width(text: &str, size: f32) -> f32 {
    let units: u32 = text
        .chars()
        .map(|c| match base_letter(c) {
            c @ ' '..='~' => u32::from(HELVETICA_WIDTHS[(c as usize) - 32]),
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

// The fonts' encoding. The standard fonts speak WinAnsiEncoding (cp1252), which holds the
// Spanish and Portuguese letters (á é í ó ú ñ ç ã õ...) and Romanian â î, but not Romanian
// ă ș ț. Those glyphs exist in every viewer's standard Helvetica (Adobe's core font set has
// `abreve`, `scommaaccent`, `tcommaaccent`...), so the font's encoding is WinAnsiEncoding plus a
// /Differences array placing them at codes WinAnsiEncoding leaves unused. Each font also carries
// a /ToUnicode map of every code, so text extraction (pdftotext, copy and paste, search) gives
// back the exact characters: the glyph name `tcommaaccent` alone would be read as U+0163 (t with
// cedilla) by the Adobe Glyph List.
// Why `tcommaaccent` and not `uni021B`: the standard fonts viewers carry (Adobe's, Foxit's in
// Chrome and pdf.js) hold the glyph under that name, so it is always drawn; `uni021B` is not a
// name they have and may draw nothing. A viewer that stands in a system font for Helvetica and
// looks glyphs up through the Adobe Glyph List (poppler: Evince, Okular) may draw ț with the
// cedilla shape (ţ); the extracted text stays ț.

/// Romanian letters at codes unused by WinAnsiEncoding: (code, character, glyph name).
const EXTRA_GLYPHS: [(u8, char, &str); 6] = [
    (0x7f, 'Ă', "Abreve"),
    (0x81, 'ă', "abreve"),
    (0x8d, 'Ș', "Scommaaccent"),
    (0x8f, 'ș', "scommaaccent"),
    (0x90, 'Ț', "Tcommaaccent"),
    (0x9d, 'ț', "tcommaaccent"),
];

/// WinAnsiEncoding's characters at 0x80..=0x9F (where it differs from Latin-1); `None` where it
/// has none.
const WIN_ANSI_80_9F: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// The font code of a character, if the fonts can show it. The cedilla forms ş ţ (what older
/// Romanian keyboards and data use for ș ț) print as the correct comma-below letters.
fn encode(c: char) -> Option<u8> {
    let c = match c {
        'ş' => 'ș',
        'Ş' => 'Ș',
        'ţ' => 'ț',
        'Ţ' => 'Ț',
        other => other,
    };
    match c {
        ' '..='~' | '\u{a0}'..='\u{ff}' => Some(c as u32 as u8),
        _ => WIN_ANSI_80_9F
            .iter()
            .position(|&w| w == Some(c))
            .map(|i| 0x80 + i as u8)
            .or_else(|| {
                EXTRA_GLYPHS
                    .iter()
                    .find(|(_, ch, _)| *ch == c)
                    .map(|(code, _, _)| *code)
            }),
    }
}

/// The character a font code shows (the inverse of [`encode`]).
fn decode(code: u8) -> Option<char> {
    match code {
        0x20..=0x7e | 0xa0..=0xff => Some(char::from(code)),
        0x80..=0x9f => WIN_ANSI_80_9F[usize::from(code - 0x80)].or_else(|| extra_glyph(code)),
        _ => extra_glyph(code),
    }
}

fn extra_glyph(code: u8) -> Option<char> {
    EXTRA_GLYPHS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, ch, _)| *ch)
}

/// The font byte of a character: its code, a space for layout whitespace, `?` for characters
/// the standard fonts cannot show (outside Western European and Romanian letters).
fn font_byte(c: char) -> u8 {
    match c {
        '\t' | '\n' | '\r' => b' ',
        _ => encode(c).unwrap_or(b'?'),
    }
}

/// Whether every character of `text` prints (and extracts) as itself.
pub fn encodes_exactly(text: &str) -> bool {
    text.chars().all(|c| encode(c).and_then(decode) == Some(c))
}

/// The fonts' /Encoding dictionary.
fn encoding_dictionary() -> String {
    let differences: Vec<String> = EXTRA_GLYPHS
        .iter()
        .map(|(code, _, name)| format!("{code} /{name}"))
        .collect();
    format!(
        "<< /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [{}] >>",
        differences.join(" ")
    )
}

/// The fonts' /ToUnicode CMap: every code to its character, runs of consecutive codes and
/// characters as ranges.
fn to_unicode_cmap() -> String {
    // (first code, last code, character of the first code)
    let mut ranges: Vec<(u8, u8, char)> = Vec::new();
    for code in 0u8..=0xff {
        let Some(c) = decode(code) else { continue };
        match ranges.last_mut() {
            // A range continues while codes and characters both step by one, within the same
            // 256-character block (a bfrange increments only the last byte).
            Some((first, last, first_char))
                if u32::from(*last) + 1 == u32::from(code)
                    && u32::from(*first_char) + u32::from(code - *first) == c as u32
                    && u32::from(*first_char) >> 8 == c as u32 >> 8 =>
            {
                *last = code;
            }
            _ => ranges.push((code, code, c)),
        }
    }
    let mut body = String::new();
    // A CMap section holds at most 100 entries.
    for chunk in ranges.chunks(100) {
        body.push_str(&format!("{} beginbfrange\n", chunk.len()));
        for (first, last, c) in chunk {
            let mut utf16 = [0u16; 2];
            let hex: String = c
                .encode_utf16(&mut utf16)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            body.push_str(&format!("<{first:02X}> <{last:02X}> <{hex}>\n"));
        }
        body.push_str("endbfrange\n");
    }
    format!(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /B2BPortal-WinAnsi-Romanian-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<00> <FF>\nendcodespacerange\n{body}\
         endcmap\nCMapName currentdup /CMap defineresource pop\nend\nend\n"
    )
}

/// A PDF literal string in the fonts' encoding: `(` ... `)` with the delimiters escaped and
/// non-ASCII bytes as octal escapes, so the file stays 7-bit.
fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('(');
    for c in text.chars() {
        match font_byte(c) {
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

/// A PDF text string (document information) as UTF-16BE with its byte order mark, so any
/// character of the title survives.
fn text_string(text: &str) -> String {
    let hex: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
    format!("<FEFF{hex}>")
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
    // Objects 1-7 are fixed; each page then takes two (the page, its content stream).
    let first_page_object = 8;
    let page_refs: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", first_page_object + 2 * i))
        .collect();
    let cmap = to_unicode_cmap();
    let mut objects: Vec<String> = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            page_refs.join(" "),
            pages.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding 6 0 R /ToUnicode 7 0 R >>"
            .to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding 6 0 R /ToUnicode 7 0 R >>"
            .to_string(),
        format!(
            "<< /Title {} /Producer (b2b-portal) >>",
            text_string(title)
        ),
        encoding_dictionary(),
        format!(
            "<< /Length {} >>\nstream\n{cmap}endstream",
            cmap.len()
        ),
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

/// What `pdftotext` (poppler-utils) reads from a PDF: what search and copy-and-paste get.
/// For tests (here, and through the `testing` feature for the functions' tests).
#[cfg(any(test, feature = "testing"))]
pub fn extract_text(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("pdf-{}", crate::types::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("test.pdf");
    std::fs::write(&file, pdf).unwrap();
    let output = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (Debian package poppler-utils) is installed");
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        output.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 text")
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
        assert_eq!(count, 12); // 7 fixed objects + 2 per page + the free entry
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
        assert!(text.contains("P\\341gina 2 \\226 S\\343o Paulo, Timi\\217oara \\200"));
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

    #[test]
    fn every_code_decodes_to_what_encodes_to_it() {
        let mut seen = std::collections::HashSet::new();
        for code in 0u8..=0xff {
            if let Some(c) = decode(code) {
                assert!(seen.insert(c), "{c} at two codes");
                assert_eq!(encode(c), Some(code), "{c}");
            }
        }
        for c in "áéíóúñçãõâêôàüÁÉÍÓÚÑÇÃÕăâîșțĂÂÎȘȚ€¿¡º".chars()
        {
            assert!(encodes_exactly(&c.to_string()), "{c}");
        }
        // Legacy cedilla forms print as the comma-below letters; other scripts as `?`.
        assert_eq!(encode('ş'), encode('ș'));
        assert_eq!(encode('Ţ'), encode('Ț'));
        assert!(!encodes_exactly("ş"));
        assert_eq!(font_byte('Ж'), b'?');
        assert_eq!(font_byte('\n'), b' ');
    }

    #[test]
    fn the_encoding_and_unicode_map_cover_the_romanian_letters() {
        let encoding = encoding_dictionary();
        for name in [
            "/Abreve",
            "/abreve",
            "/Scommaaccent",
            "/scommaaccent",
            "/Tcommaaccent",
            "/tcommaaccent",
        ] {
            assert!(encoding.contains(name), "{encoding}");
        }
        let cmap = to_unicode_cmap();
        // ASCII and Latin-1 are one range each; ț (U+021B) is mapped at its own code.
        assert!(cmap.contains("<20> <7E> <0020>"), "{cmap}");
        assert!(cmap.contains("<A0> <FF> <00A0>"), "{cmap}");
        assert!(cmap.contains("<9D> <9D> <021B>"), "{cmap}");
        assert!(cmap.contains("<80> <80> <20AC>"), "{cmap}");
    }

    #[test]
    fn pdftotext_reads_back_accented_and_romanian_letters() {
        let lines = [
            "Español: Facturación, Número, Descripción, Teléfono, Año, ¿Qué? ¡Sí!",
            "Português: Fatura pró-forma, Emissão, Preço unitário, Ações, Você",
            "Română: Factură, Chitanță, Scadență, Preț unitar, Încasat, Rest de plată",
            "ROMÂNIA: ȘTEFAN ȚEPEȘ ĂĂ, învățământ, știință, București, Timișoara",
            "Symbols: 5.800,00 € – “quoted” (paren) back\\slash",
        ];
        let mut page = Page::default();
        for (i, line) in lines.iter().enumerate() {
            let font = if i % 2 == 0 {
                Font::Regular
            } else {
                Font::Bold
            };
            page.text(50.0, 800.0 - 20.0 * i as f32, 10.0, font, *line);
        }
        // Legacy cedilla letters come out as the correct comma-below ones.
        page.text(50.0, 600.0, 10.0, Font::Regular, "Legacy: Timişoara, Piaţa");
        let text = extract_text(&write_pdf("Factură Țară", &[page]));
        for line in lines {
            assert!(text.contains(line), "{line} in:\n{text}");
        }
        assert!(text.contains("Legacy: Timișoara, Piața"), "{text}");
    }
}
