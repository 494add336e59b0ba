"""Tests for news.sanitize: the allow-list sanitiser of article bodies and its plain-text extractor."""

import html
from html.parser import HTMLParser
import random
import re
import unicodedata

import pytest

from news.sanitize import ALLOWED_TAGS, html_sanitize, html_to_text

# Hostile inputs, mostly from the OWASP XSS filter evasion cheat sheet, plus known mutation-XSS payloads.
HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x31&#x29>",
    '<img src="/media/x.png" onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href=" JaVaScRiPt:alert(1)">x</a>',
    '<a href="\n\t javascript:alert(1)">x</a>',
    '<a href="&#14;  javascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="https://example.com" onclick="alert(1)" onmouseover="alert(1)">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe src="https://evil.example/"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<p title="&lt;img src=x onerror=alert(1)&gt;" lang="vi">x</p>',
    '<a href="/x" title="<svg onload=alert(1)>" id="y" class="onerror">x</a>',
    '<div style="width: expression(alert(1))">x</div>',
    '<xss style="xss:expression(alert(1))">',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "<form action=javascript:alert(1)><input type=submit></form>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel=stylesheet href="javascript:alert(1)">',
    '<style>@import "javascript:alert(1)";</style>',
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><img src=x onerror=alert(1)></template>",
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    "<img src=x onerror=alert(1)",
    '<a href="javascript:alert(1)"',
    "<iframe src=http://xss.rocks/scriptlet.html <",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1);//<</script>",
    '<IMG """><SCRIPT>alert(1)</SCRIPT>">',
    '<video><source onerror="alert(1)"></video>',
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    "<textarea><img src=x onerror=alert(1)></textarea>",
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<title><img src=x onerror=alert(1)></title>",
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
]

FORBIDDEN = ["<script", "onerror", "onload", "javascript:", "<iframe", "<svg", "style=", "data:"]
# Further markers that must not survive either.
ALSO_FORBIDDEN = [
    "vbscript:", "onclick", "onmouseover", "onfocus", "ontoggle", "<object", "<embed", "<form", "<input",
    "<meta", "<base", "<link", "<style", "<math", "<template", "<noscript", "<body", "<textarea", "<xmp",
]  # fmt: skip


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_input_is_neutralised(payload):
    cleaned = html_sanitize(payload)
    text = html.unescape(cleaned).lower()
    for marker in FORBIDDEN + ALSO_FORBIDDEN:
        assert marker not in text, f"{marker!r} survived in {cleaned!r}"
    assert html_sanitize(cleaned) == cleaned


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " \n javascript:alert(1)",
        "java\tscript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "ftp://example.com/",
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",
        "tin-tuc/bai-viet",
        "?page=2",
    ],
)
def test_refused_link_targets(href):
    cleaned = html_sanitize(f'<p><a href="{html.escape(href)}">liên kết</a></p>')
    assert cleaned == "<p>liên kết</p>"


@pytest.mark.parametrize(
    "href",
    ["https://mattran.org.vn/tin-tuc?a=1&b=2", "http://example.com", "mailto:mttq@example.vn", "/tin-tuc/", "#muc-1"],
)
def test_allowed_link_targets_get_forced_rel(href):
    cleaned = html_sanitize(f'<p><a href="{html.escape(href)}" rel="opener" target="_blank">liên kết</a></p>')
    assert cleaned == f'<p><a href="{html.escape(href)}" target="_blank" rel="noopener noreferrer">liên kết</a></p>'


def test_link_target_other_than_blank_is_dropped():
    cleaned = html_sanitize('<a href="/a" target="_top">x</a>')
    assert cleaned == '<a href="/a" rel="noopener noreferrer">x</a>'


@pytest.mark.parametrize(
    ("src", "kept"),
    [
        ("/media/news/a.jpg", True),
        ("https://cdn.example.vn/a.jpg", True),
        ("http://example.vn/a.jpg", True),
        ("data:image/png;base64,iVBORw0KGgo=", False),
        ("file:///C:/Users/a/clip_image001.png", False),
        ("javascript:alert(1)", False),
        ("/static/admin/a.png", False),
        ("/media/../admin/", False),
        ("//evil.example/a.jpg", False),
        ("a.jpg", False),
    ],
)
def test_image_sources(src, kept):
    cleaned = html_sanitize(f'<figure class="image"><img src="{src}" alt="Ảnh"></figure>')
    if kept:
        assert cleaned == f'<figure class="image"><img src="{html.escape(src)}" alt="Ảnh"></figure>'
    else:
        assert cleaned == '<figure class="image"></figure>'


def test_classes_and_attributes_are_filtered():
    cleaned = html_sanitize(
        '<figure class="image image-style-align-left evil" id="x" style="width:50%">'
        '<img src="/media/a.jpg" class="image_resized evil" width="800" height="100%" title="t" loading="lazy">'
        "</figure>"
        '<p class="MsoNormal" lang="vi" dir="rtl"><span class="text-huge evil">A</span><span class="evil">B</span></p>'
        '<table class="table"><tr><th colspan="2" scope="col" width="10">C</th><td rowspan="x">D</td></tr></table>'
    )
    assert cleaned == (
        '<figure class="image image-style-align-left">'
        '<img src="/media/a.jpg" class="image_resized" width="800">'
        "</figure>"
        '<p><span class="text-huge">A</span>B</p>'
        '<table class="table"><tbody><tr><th colspan="2" scope="col">C</th><td>D</td></tr></tbody></table>'
    )


class _Structure(HTMLParser):
    """Start tags (with attributes other than rel/style) and non-blank text, in document order."""

    def __init__(self, source):
        super().__init__(convert_charrefs=True)
        self.items = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.items.append((tag, sorted((k, v) for k, v in attrs if k not in ("rel", "style"))))

    def handle_endtag(self, tag):
        self.items.append(("/" + tag,))

    def handle_data(self, data):
        if data.strip():
            self.items.append(data)


CKEDITOR_ARTICLE = (
    "<h2>Hội nghị Ủy ban Mặt trận Tổ quốc Việt Nam phường</h2>"
    "<p>Sáng 5/3, <strong>Ủy ban MTTQ</strong> phường đã tổ chức <i>hội nghị</i> <u>lần thứ hai</u>, "
    "<s>bản cũ</s>, H<sub>2</sub>O, m<sup>2</sup>. Xem "
    '<a href="https://mattran.org.vn/tin-tuc" target="_blank">tin gốc</a>, '
    '<a href="/tin-tuc/hoi-nghi/">bài trước</a>, <a href="#muc-1">mục 1</a> hoặc '
    '<a href="mailto:mttq@example.vn">gửi thư</a>.</p>'
    "<h3>Nội dung</h3>"
    '<figure class="image image-style-side image_resized" style="width:50%;">'
    '<img src="/media/news/2025/03/hoi-nghi.jpg" alt="Toàn cảnh hội nghị" width="1200" height="800">'
    "<figcaption>Toàn cảnh hội nghị “Đại đoàn kết” – 2025…</figcaption></figure>"
    "<blockquote><p>Đoàn kết, đoàn kết, đại đoàn kết.</p></blockquote>"
    "<ul><li>Mục một<ul><li>Mục con</li></ul></li><li>Mục hai</li></ul>"
    '<ol start="3"><li>Ba</li><li>Bốn</li></ol>'
    '<figure class="table"><table><thead><tr><th>Khu phố</th><th colspan="2">Số hộ</th></tr></thead>'
    '<tbody><tr><td rowspan="2">Khu 1</td><td>120</td><td>130</td></tr><tr><td>5</td><td>6</td></tr></tbody>'
    "</table><figcaption>Bảng số liệu</figcaption></figure>"
    "<h4>Ghi chú</h4>"
    '<p><span class="text-big">Chữ lớn</span> và <mark class="marker-yellow">đánh dấu</mark></p>'
    "<hr>"
    '<pre><code class="language-plaintext">mã nguồn</code></pre>'
    "<p>Dòng&nbsp;một<br>dòng hai</p>"
)


def test_ckeditor_article_keeps_its_structure():
    cleaned = html_sanitize(CKEDITOR_ARTICLE)
    assert _Structure(cleaned).items == _Structure(CKEDITOR_ARTICLE).items
    assert "style=" not in cleaned
    for fragment in (
        '<figure class="image image-style-side image_resized">'
        '<img src="/media/news/2025/03/hoi-nghi.jpg" alt="Toàn cảnh hội nghị" width="1200" height="800">'
        "<figcaption>Toàn cảnh hội nghị “Đại đoàn kết” – 2025…</figcaption></figure>",
        '<a href="https://mattran.org.vn/tin-tuc" target="_blank" rel="noopener noreferrer">tin gốc</a>',
        '<th colspan="2">Số hộ</th>',
        '<td rowspan="2">Khu 1</td>',
        "<blockquote><p>Đoàn kết, đoàn kết, đại đoàn kết.</p></blockquote>",
        "<ul><li>Mục một<ul><li>Mục con</li></ul></li><li>Mục hai</li></ul>",
        '<ol start="3">',
        "<p>Dòng&nbsp;một<br>dòng hai</p>",
    ):
        assert fragment in cleaned


def test_every_link_gets_rel_noopener_noreferrer():
    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rels = []

        def handle_starttag(self, tag, attrs):
            if tag == "a":
                self.rels.append(dict(attrs).get("rel"))

    links = Links()
    links.feed(html_sanitize(CKEDITOR_ARTICLE + '<a href="/x" rel="opener nofollow">x</a><a rel="x">y</a>'))
    assert links.rels == ["noopener noreferrer"] * 5


# A paste from Word for Windows (clipboard HTML, shortened): conditional comments, MsoNormal paragraphs,
# mso-* styles, <o:p>, <span lang>, <font>, a bold run, a bulleted list with a nested item and a numbered list.
WORD_PASTE = """<html xmlns:o="urn:schemas-microsoft-com:office:office">
<head><meta name=Generator content="Microsoft Word 15">
<!--[if gte mso 9]><xml><o:OfficeDocumentSettings><o:AllowPNG/></o:OfficeDocumentSettings></xml><![endif]-->
<style><!-- p.MsoNormal {mso-style-parent:""; margin:0cm; font-family:"Times New Roman"} --></style></head>
<body lang=VI style='tab-interval:36.0pt'>
<!--StartFragment-->
<div class=WordSection1>
<p class=MsoNormal style='text-align:justify;mso-line-height-alt:13.0pt'><span lang=VI
style='font-size:13.0pt;mso-bidi-font-family:"Times New Roman"'>Ngày 5/3, <b style='mso-bidi-font-weight:normal'>Ủy
ban MTTQ</b> phường tổ chức hội nghị.<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span
lang=VI style='font-family:Symbol;mso-fareast-font-family:Symbol'><span style='mso-list:Ignore'>·<span
style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span></span></span><![endif]><span
lang=VI>Tuyên truyền<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpMiddle style='margin-left:72.0pt;mso-add-space:auto;text-indent:-18.0pt;
mso-list:l0 level2 lfo1'><![if !supportLists]><span lang=VI style='font-family:"Courier New"'><span
style='mso-list:Ignore'>o<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;
</span></span></span><![endif]><span lang=VI>Khu phố 1<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span
lang=VI style='font-family:Symbol'><span style='mso-list:Ignore'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;
</span></span></span><![endif]><span lang=VI><i>Vận động</i> quỹ<o:p></o:p></span></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoListParagraph style='text-indent:-18.0pt;mso-list:l1 level1 lfo2'><!--[if !supportLists]--><span
lang=VI><span style='mso-list:Ignore'>1.<span
style='font:7.0pt "Times New Roman"'>&nbsp;</span></span></span><!--[endif]--><span
lang=VI>Bước một<o:p></o:p></span></p>
<p class=MsoNormal><font face="Times New Roman" size=3>“Trích dẫn” – hết…</font><img width=200 height=100
src="file:///C:/Users/a/AppData/Local/Temp/msohtmlclip1/01/clip_image001.png" v:shapes="Picture_x0020_1"></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;mso-yfti-tbllook:1184'>
<tr style='mso-yfti-irow:0'><td width=200 valign=top style='width:150pt;padding:0cm 5.4pt'><p class=MsoNormal><span
lang=VI>Ô một<o:p></o:p></span></p></td></tr></table>
</div>
<!--EndFragment-->
</body></html>"""


def test_word_paste_comes_out_clean():
    cleaned = html_sanitize(WORD_PASTE)
    for leftover in ("mso", "Mso", "o:p", "<span", "<font", "lang=", "class=", "style", "<!--", "[if", "<img"):
        assert leftover not in cleaned, leftover
    assert "<p>Ngày 5/3, <b>Ủy\nban MTTQ</b> phường tổ chức hội nghị.</p>" in cleaned
    assert "<ul><li>Tuyên truyền<ul><li>Khu phố 1</li></ul></li><li><i>Vận động</i> quỹ</li></ul>" in cleaned
    assert "<ol><li>Bước một</li></ol>" in cleaned
    assert "<p>“Trích dẫn” – hết…</p>" in cleaned
    assert "<table>\n<tbody><tr><td><p>Ô một</p></td></tr></tbody></table>" in cleaned
    assert cleaned.startswith("<p>Ngày 5/3,") and cleaned.endswith("</table>")
    assert "·" not in cleaned  # Word's fake bullet glyph is gone
    assert html_sanitize(cleaned) == cleaned


@pytest.mark.parametrize(
    ("marker", "list_tag"),
    [("·", "ul"), ("o", "ul"), ("§", "ul"), ("-", "ul"), ("1.", "ol"), ("12)", "ol"), ("a)", "ol"), ("đ)", "ol"),
     ("iv.", "ol"), ("1.2.", "ol")],
)  # fmt: skip
def test_word_list_type_follows_the_marker(marker, list_tag):
    item = (
        "<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><![if !supportLists]><span style='mso-list:Ignore'>"
        f"{marker}<span>&nbsp;&nbsp; </span></span><![endif]>{{}}<o:p></o:p></p>"
    )
    cleaned = html_sanitize(item.format("Một") + "\n" + item.format("Hai"))
    assert cleaned == f"<{list_tag}><li>Một</li><li>Hai</li></{list_tag}>"


def test_word_numbered_heading_keeps_its_number_as_text():
    cleaned = html_sanitize(
        "<h1 style='mso-list:l0 level1 lfo1'><![if !supportLists]><span style='mso-list:Ignore'>1.<span>&nbsp; "
        "</span></span><![endif]>Tổng quan</h1>"
    )
    assert cleaned == "<h2>1.&nbsp; Tổng quan</h2>"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<h1>Tiêu đề</h1>", "<h2>Tiêu đề</h2>"),
        ('<H1 class="x" style="color:red">Tiêu đề</H1 >', "<h2>Tiêu đề</h2>"),
        ("<h1>A</h1><p>b</p><h1>C", "<h2>A</h2><p>b</p><h2>C</h2>"),
        ("<h5>Năm</h5><h6>Sáu</h6>", "<h4>Năm</h4><h4>Sáu</h4>"),
        ("<strike>bỏ</strike>", "<s>bỏ</s>"),
        ('<p title="<h1>">x</p>', "<p>x</p>"),
    ],
)
def test_heading_demotion_and_renames(source, expected):
    assert html_sanitize(source) == expected


def test_comments_are_removed():
    assert html_sanitize("<p>a<!-- ghi chú -->b</p><!--[if mso]><p>x</p><![endif]-->") == "<p>ab</p>"


VIETNAMESE = (
    "Ủy ban Mặt trận Tổ quốc Việt Nam phường Bến Thành: “Đại đoàn kết toàn dân tộc” – "
    "nghị quyết số 01… ngày 5\u00a0tháng\u00a03; ỹ ự ằ ẵ ặ ơ ư đ Đ"
)


def test_vietnamese_text_is_preserved_exactly():
    assert unicodedata.is_normalized("NFC", VIETNAMESE)
    cleaned = html_sanitize(f"<p>{VIETNAMESE}</p>")
    assert cleaned == "<p>" + VIETNAMESE.replace("\u00a0", "&nbsp;") + "</p>"
    assert html.unescape(cleaned).encode() == f"<p>{VIETNAMESE}</p>".encode()


def test_decomposed_text_is_not_renormalised():
    decomposed = unicodedata.normalize("NFD", "Mặt trận")
    assert html_sanitize(f"<p>{decomposed}</p>") == f"<p>{decomposed}</p>"


def test_markup_characters_in_text_stay_escaped():
    source = "<p>a &lt;script&gt; &amp; b &quot;c&quot; 5 &gt; 3</p>"
    assert html_sanitize(source) == '<p>a &lt;script&gt; &amp; b "c" 5 &gt; 3</p>'


@pytest.mark.parametrize("source", [CKEDITOR_ARTICLE, WORD_PASTE, VIETNAMESE, "", "chữ trần", *HOSTILE])
def test_idempotent(source):
    once = html_sanitize(source)
    assert html_sanitize(once) == once


def test_html_to_text_separates_blocks():
    assert html_to_text("<p>Mặt trận</p><p>Tổ quốc</p>") == "Mặt trận Tổ quốc"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("", ""),
        ("<h2>Tin</h2><ul><li>một</li><li>hai</li></ul>", "Tin một hai"),
        ("<p>T<b>ổ</b> qu<i>ốc</i></p>", "Tổ quốc"),
        ("<p>a&nbsp;&amp;&nbsp;b &lt;c&gt; &#8220;d&#8221;</p>", "a & b <c> “d”"),
        ("<p>  nhiều \n\t  khoảng   trắng </p>", "nhiều khoảng trắng"),
        ("dòng<br>mới", "dòng mới"),
        ("<table><tr><td>1</td><td>2</td></tr></table>", "1 2"),
        ("<div>x</div><div>y</div>", "x y"),
        ("<p>a</p><script>alert(1)</script><style>p{}</style><!-- c --><p>b</p>", "a b"),
        ("<p>a<img src=x onerror=alert(1)</p>", "a"),
    ],
)
def test_html_to_text(source, expected):
    assert html_to_text(source) == expected


def test_html_to_text_of_article():
    text = html_to_text(html_sanitize(CKEDITOR_ARTICLE))
    assert text.startswith("Hội nghị Ủy ban Mặt trận Tổ quốc Việt Nam phường Sáng 5/3, Ủy ban MTTQ phường")
    assert "Toàn cảnh hội nghị “Đại đoàn kết” – 2025… Đoàn kết" in text
    assert "Dòng một dòng hai" in text
    assert "<" not in text


_URL_OK = re.compile(r"(https?:|mailto:|/(?![/\\])|#)")
_ATTRIBUTES_OK = {"href", "src", "alt", "width", "height", "colspan", "rowspan", "start", "reversed", "class", "rel",
                  "target", "scope"}  # fmt: skip


class _AllowListCheck(HTMLParser):
    def __init__(self):
        super().__init__()
        self.violations = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.violations.append(tag)
        for name, value in attrs:
            if name not in _ATTRIBUTES_OK or (name in ("href", "src") and not _URL_OK.match(value)):
                self.violations.append(f"{tag}[{name}={value!r}]")

    def handle_endtag(self, tag):
        if tag not in ALLOWED_TAGS:
            self.violations.append(f"/{tag}")


def test_random_fragments_stay_within_the_allow_list():
    """Seeded fuzzing: slices and concatenations of all the samples above, including broken markup."""
    pool = [*HOSTILE, CKEDITOR_ARTICLE, WORD_PASTE, VIETNAMESE, "<p>", "</p>", "<li>", "<ol>", "</span>", "<h1>",
            "<span class='text-big'>", "<a href='/x'>", "</a>", "<table><tr><td>", "&nbsp;", "<", ">", '"', "'",
            "<p style='mso-list:l0 level3 lfo1'>", "<span style='mso-list:Ignore'>", "<![if !supportLists]>",
            "<![endif]>", "<figure class='image'>", "<img src='/media/a.png'>"]  # fmt: skip
    rng = random.Random(20250305)
    for _ in range(1500):
        source = "".join(rng.choice(pool) for _ in range(rng.randint(1, 6)))
        if rng.random() < 0.5:
            start = rng.randint(0, len(source))
            source = source[start : rng.randint(start, len(source))]
        cleaned = html_sanitize(source)
        check = _AllowListCheck()
        check.feed(cleaned)
        check.close()
        assert not check.violations, (source, cleaned, check.violations)
        assert html_sanitize(cleaned) == cleaned, source
        html_to_text(source)  # never raises on broken markup
