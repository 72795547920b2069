//! Escaping text for XML and HTML: PMML export and the monitoring report's page.

/// `text` safe inside XML or HTML, in element text and in single- or double-quoted attribute
/// values: `&`, `<`, `>`, `"` and `'` become entities, and tab, line feed and carriage return
/// become character references (an XML attribute value would otherwise turn them into spaces).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_the_white_space_attributes_would_lose() {
        assert_eq!(escape("plain text, 日本"), "plain text, 日本");
        assert_eq!(escape("a < b && c > \"d\" 'e'"), "a &lt; b &amp;&amp; c &gt; &quot;d&quot; &apos;e&apos;");
        assert_eq!(escape("line\none\r\ttab"), "line&#10;one&#13;&#9;tab");
        assert_eq!(escape("&amp;"), "&amp;amp;");
        assert_eq!(escape(""), "");
    }
}
