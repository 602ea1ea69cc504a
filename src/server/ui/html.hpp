// HTML escaping for the web UI: every value that comes from a chart (names, descriptions,
// file contents) goes through escape() before it is written into a page.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ch::server::ui {

// Escapes & < > " ' (as &amp; &lt; &gt; &quot; &#39;), so the result is safe both as element
// text and inside a quoted attribute value. Invalid UTF-8 (overlong forms, surrogates, code
// points past U+10FFFF, truncated sequences) and NUL bytes become U+FFFD. Linear.
std::string escape(std::string_view text);
void append_escaped(std::string& out, std::string_view text);

// The length of the valid UTF-8 sequence at the start of `s`, or 0 when it is invalid (or `s`
// is empty). Used to cut text at a character boundary.
std::size_t utf8_sequence_length(std::string_view s);

// The longest prefix of `s` of at most `max` bytes that does not end inside a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, std::size_t max);

}  // namespace ch::server::ui
