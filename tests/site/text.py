"""What a reader sees of a page: its text and the attributes read aloud, in the page's
language only (text marked with another ``lang`` is set aside)."""

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page_language = None
        self.stack = []  # (tag, language)
        self.chunks = []

    @property
    def language(self):
        return self.stack[-1][1] if self.stack else self.page_language

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.page_language = attrs.get("lang")
        language = attrs.get("lang") or self.language
        if language == self.page_language:
            self.chunks += [attrs[name] for name in READ_ATTRIBUTES if attrs.get(name)]
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.chunks.append(attrs["value"])
        if tag not in VOID:
            self.stack.append((tag, language))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] in ("script", "style"):
            return
        if self.language == self.page_language:
            self.chunks.append(data)


def visible_text(html: str) -> str:
    reader = _Reader()
    reader.feed(html)
    return " ".join(" ".join(reader.chunks).split())
