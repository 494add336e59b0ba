"""Server-side sanitiser for the rich text of news articles.

Article bodies are written in CKEditor 5 (often pasted from Microsoft Word), but the stored HTML must be safe
whatever the browser sends, so everything goes through an allow-list built on nh3 (the Rust ``ammonia``
sanitiser, whose html5ever parser reads markup exactly as a browser does).

``html_sanitize`` works in three steps:

1. **nh3, normalising pass.** The final allow-list plus a few tags that step 2 rewrites (``h1``, ``h5``,
   ``h6``, ``strike``) and Word's list markers (``style`` on ``p``/``span``, reduced by the attribute filter
   to a bare ``mso-list:...`` declaration). Dangerous elements go with their content, comments go
   (including Word's ``<!--[if gte mso 9]>`` blocks), unknown tags such as ``<o:p>`` and ``<font>`` are
   unwrapped. The output is a well-formed serialisation of the tree a browser would build.
2. **Restructuring** (``html.parser`` over that well-formed output), for what nh3 cannot do because it
   never renames or restructures elements:

   * ``h1`` becomes ``h2`` (the page has its own ``h1``); ``h5``/``h6`` become ``h4``; ``strike`` becomes ``s``;
   * Word list paragraphs (``<p style="mso-list:l0 level1 lfo1">`` with an ``mso-list:Ignore`` span holding
     the fake bullet or number) become real nested ``<ul>``/``<ol>``; marker spans outside list paragraphs
     are unwrapped so that e.g. a heading number stays as text;
   * ``<span>`` without an allowed class (Word's ``<span lang=VI>`` wrappers) and ``<a>`` left without an
     ``href`` are unwrapped, keeping their content;
   * ``<img>`` left without a ``src`` is removed (Word pastes images as ``data:`` or ``file:`` URIs, which
     are refused, so nothing would be shown anyway);
   * ``style`` attributes and emptied ``class`` attributes are removed.
3. **nh3, final pass** with the strict allow-list. Whatever step 2 produced, this pass is the last word.

The result is a fixed point: ``html_sanitize(html_sanitize(x)) == html_sanitize(x)``.

Allow-list
----------
Tags: ``h2 h3 h4 p br hr strong b em i u s sub sup code pre mark span blockquote ul ol li a figure figcaption
img table caption thead tbody tfoot tr th td``.

Attributes: ``a[href target=_blank]`` (``rel="noopener noreferrer"`` is forced on every link),
``img[src alt width height]``, ``th[colspan rowspan scope]``, ``td[colspan rowspan]``, ``ol[start reversed]``
and ``class`` from :data:`ALLOWED_CLASSES` only. No ``style`` attribute at all: it is the route for
``expression()`` and ``url(javascript:)``, and CKEditor only uses it for image widths (``image_resized``),
table column widths and font colours, which are lost.

URLs: ``href`` is ``http:``, ``https:``, ``mailto:``, or relative starting with ``/`` (not ``//`` or ``/\\``,
which browsers read as another host) or ``#``. ``img src`` is ``http:``, ``https:`` or a relative
``/media/...`` path. Tabs, newlines and control characters are removed the way browsers do before the
scheme is checked, so ``jav&#x09;ascript:`` and `` JaVaScRiPt:`` are refused like ``javascript:``;
``data:``, ``vbscript:``, ``file:`` and everything else are refused.

Non-breaking spaces come out as ``&nbsp;`` (html5ever serialises U+00A0 that way); every other character,
Vietnamese letters and punctuation such as “ ” – … included, is kept exactly as given (no Unicode
normalisation).
"""

from html import escape
from html.parser import HTMLParser
import re

import nh3

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_CLASSES", "ALLOWED_TAGS", "html_sanitize", "html_to_text"]

ALLOWED_TAGS = frozenset(
    {
        "h2", "h3", "h4", "p", "br", "hr",
        "strong", "b", "em", "i", "u", "s", "sub", "sup", "code", "pre", "mark", "span",
        "blockquote", "ul", "ol", "li", "a",
        "figure", "figcaption", "img",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    }
)  # fmt: skip

# ``class`` is not listed here: nh3 allows it through ALLOWED_CLASSES (listing it in both is an error).
ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start", "reversed"},
}

# Attributes allowed only with one of these values.
_ATTRIBUTE_VALUES = {
    "a": {"target": {"_blank"}},
    "th": {"scope": {"row", "col", "rowgroup", "colgroup"}},
}

_IMAGE_STYLES = {
    "image-style-side",
    "image-style-align-left",
    "image-style-align-right",
    "image-style-align-center",
    "image-style-block-align-left",
    "image-style-block-align-right",
}
_CODE_LANGUAGES = {
    f"language-{name}"
    for name in (
        "plaintext", "c", "cs", "cpp", "css", "diff", "html", "java", "javascript", "php", "python", "ruby",
        "typescript", "xml",
    )
}  # fmt: skip

ALLOWED_CLASSES = {
    "figure": {"image", "table", "image_resized", *_IMAGE_STYLES},
    "img": {"image_resized", *_IMAGE_STYLES},
    "table": {"table"},
    "span": {"text-tiny", "text-small", "text-big", "text-huge"},
    "mark": {"marker-yellow", "marker-green", "marker-pink", "marker-blue", "pen-red", "pen-green"},
    "code": _CODE_LANGUAGES,
}

# Removed together with everything inside them (nh3's ``tags`` would keep the text).
_DROP_WITH_CONTENT = frozenset(
    {
        "script", "style", "template", "noscript", "noembed", "noframes", "iframe", "frame", "frameset",
        "object", "embed", "applet", "svg", "math", "xmp", "plaintext", "textarea", "title", "select", "button",
        "head", "meta", "link", "base", "xml",
    }
)  # fmt: skip

URL_SCHEMES = frozenset({"http", "https", "mailto"})
_IMG_SCHEMES = frozenset({"http", "https"})

# Browsers drop tabs and newlines anywhere in a URL and C0 controls and spaces at its ends.
_URL_INVISIBLE = re.compile(r"[\t\n\r]")
_URL_EDGES = "".join(map(chr, range(0x21)))
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_INTEGER = re.compile(r"[0-9]{1,5}")
_WORD_LIST = re.compile(r"mso-list\s*:\s*(l\d+\s+level(\d+)(?:\s+lfo\d+)?|ignore)", re.IGNORECASE)


def _clean_url(value: str, schemes: frozenset, relative_prefix: tuple) -> str | None:
    url = _URL_INVISIBLE.sub("", value).strip(_URL_EDGES)
    scheme = _SCHEME.match(url)
    if scheme:
        return url if scheme.group(1).lower() in schemes else None
    if url.startswith(("//", "/\\")) or "\\" in url:
        return None
    if url.startswith(relative_prefix):
        return url
    return None


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        return _clean_url(value, URL_SCHEMES, ("/", "#"))
    if attribute == "src":
        src = _clean_url(value, _IMG_SCHEMES, ("/media/",))
        if src is not None and not _SCHEME.match(src) and "/../" in f"{src}/":
            return None
        return src
    if attribute in {"width", "height", "colspan", "rowspan", "start"}:
        value = value.strip()
        return value if _INTEGER.fullmatch(value) else None
    if attribute == "reversed":
        return ""
    if attribute == "style":  # normalising pass only: keep just Word's list marker
        match = _WORD_LIST.search(value)
        return f"mso-list:{match.group(1)}" if match else None
    return value


def _nh3(html: str, *, word_styles: bool) -> str:
    tags = set(ALLOWED_TAGS)
    # "*" must be given: without it ammonia keeps its default generic attributes (lang, title) on every tag.
    attributes = {"*": set(), **{tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}}
    if word_styles:
        tags |= {"h1", "h5", "h6", "strike"}
        attributes.setdefault("p", set()).add("style")
        attributes.setdefault("span", set()).add("style")
    return nh3.clean(
        html,
        tags=tags,
        clean_content_tags=set(_DROP_WITH_CONTENT),
        attributes=attributes,
        attribute_filter=_filter_attribute,
        strip_comments=True,
        link_rel="noopener noreferrer",
        tag_attribute_values=_ATTRIBUTE_VALUES,
        url_schemes=set(URL_SCHEMES),
        allowed_classes=ALLOWED_CLASSES,
    )


class _Tokens(HTMLParser):
    """Flat token list of (well-formed, already sanitised) HTML."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tokens.append(("start", tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tokens.append(("start", tag, attrs))

    def handle_endtag(self, tag):
        self.tokens.append(("end", tag))

    def handle_data(self, data):
        self.tokens.append(("data", data))


def _word_list(token) -> str | None:
    """'ignore' for Word's marker span, the level ('1', '2'...) for a list paragraph, else None."""
    if token[0] != "start":
        return None
    style = dict(token[2]).get("style") or ""
    match = _WORD_LIST.search(style)
    if not match:
        return None
    return match.group(2) or "ignore"


_ORDERED_MARKER = re.compile(r"\(?(?:\d+(?:\.\d+)*[.)]?|(?:[^\W\d_]|[ivxlcdm]+)[.)])", re.IGNORECASE)


def _is_list_paragraph(token) -> bool:
    return token[0] == "start" and token[1] == "p" and _word_list(token) not in (None, "ignore")


def _list_item(tokens: list, start: int):
    """Word list paragraph at tokens[start] -> (end index, level, list tag, content tokens)."""
    level = int(_word_list(tokens[start]))
    end = start + 1
    while end < len(tokens) and tokens[end][:2] != ("end", "p"):
        end += 1
    content, marker, i = [], "", start + 1
    while i < end:
        if tokens[i][:2] == ("start", "span") and _word_list(tokens[i]) == "ignore":
            depth, i = 1, i + 1
            while i < end and depth:
                kind = tokens[i][0]
                if tokens[i][1] == "span" and kind in ("start", "end"):
                    depth += 1 if kind == "start" else -1
                elif kind == "data":
                    marker += tokens[i][1]
                i += 1
            continue
        content.append(tokens[i])
        i += 1
    list_tag = "ol" if _ORDERED_MARKER.fullmatch(marker.strip()) else "ul"
    return end, max(1, min(level, 9)), list_tag, content


def _build_list(items: list) -> list:
    out, open_lists = [], []
    for level, list_tag, content in items:
        if level > len(open_lists):
            while len(open_lists) < level:
                if open_lists and out[-1][0] == "start" and out[-1][1] in ("ul", "ol"):
                    out.append(("start", "li", []))  # level skipped: give the nested list a parent item
                out.append(("start", list_tag, []))
                open_lists.append(list_tag)
        else:
            out.append(("end", "li"))
            while len(open_lists) > level:
                out += [("end", open_lists.pop()), ("end", "li")]
            if open_lists[-1] != list_tag:
                out += [("end", open_lists.pop()), ("start", list_tag, [])]
                open_lists.append(list_tag)
        out.append(("start", "li", []))
        out += content
    while open_lists:
        out += [("end", "li"), ("end", open_lists.pop())]
    return out


def _convert_word_lists(tokens: list) -> list:
    out, i = [], 0
    while i < len(tokens):
        if not _is_list_paragraph(tokens[i]):
            out.append(tokens[i])
            i += 1
            continue
        items = []
        while True:
            end, level, list_tag, content = _list_item(tokens, i)
            items.append((level, list_tag, content))
            j = end + 1
            while j < len(tokens) and tokens[j][0] == "data" and not tokens[j][1].strip():
                j += 1
            if j < len(tokens) and _is_list_paragraph(tokens[j]):
                i = j
                continue
            i = end + 1
            break
        out += _build_list(items)
    return out


_RENAME = {"h1": "h2", "h5": "h4", "h6": "h4", "strike": "s"}


def _restructure(html: str) -> str:
    tokens = _convert_word_lists(_Tokens(html).tokens)
    out, unwrapped = [], []  # unwrapped: per open span/a, whether its tags were dropped
    for token in tokens:
        kind = token[0]
        if kind == "data":
            out.append(escape(token[1], quote=False))
            continue
        tag = _RENAME.get(token[1], token[1])
        if kind == "end":
            if tag in ("span", "a") and unwrapped and unwrapped.pop():
                continue
            out.append(f"</{tag}>")
            continue
        attrs = [(name, value) for name, value in token[2] if name != "style" and (name != "class" or value)]
        names = {name for name, _ in attrs}
        if tag in ("span", "a"):
            drop = "class" not in names if tag == "span" else "href" not in names
            unwrapped.append(drop)
            if drop:
                continue
        if tag == "img" and "src" not in names:
            continue
        rendered = "".join(f' {name}="{escape(value or "")}"' for name, value in attrs)
        out.append(f"<{tag}{rendered}>")
    return "".join(out)


def html_sanitize(html: str) -> str:
    """Clean article HTML down to the allow-list described in the module docstring (idempotent).

    Leading and trailing whitespace (e.g. the newlines around a Word fragment) is stripped.
    """
    if not html:
        return ""
    return _nh3(_restructure(_nh3(html, word_styles=True)), word_styles=False).strip()


_TEXT_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div", "dl", "dt",
        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
        "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.parts.append(" ")

    def handle_startendtag(self, tag, attrs):
        self.parts.append(" ")

    def handle_endtag(self, tag):
        self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text for search and excerpts.

    Tags are removed (script, style and the other elements :func:`html_sanitize` drops go with their
    content), entities unescaped, block elements separated by a space, and all whitespace, non-breaking
    spaces included, collapsed to single spaces. The input is first parsed by nh3/html5ever, so broken
    markup is read the way a browser reads it and never leaks into the text.
    """
    if not html:
        return ""
    blocks_only = nh3.clean(
        html,
        tags=set(_TEXT_BLOCKS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        attributes={"*": set()},
        strip_comments=True,
        link_rel=None,
    )
    parser = _Text()
    parser.feed(blocks_only)
    parser.close()
    return " ".join("".join(parser.parts).split())
