"""Known bots and crawlers: not counted as visits or article views."""
import re

BOT_RE = re.compile(
    r"bot\b|crawl|spider|slurp|bingpreview|facebookexternalhit|zalo.*(link|preview)|curl|wget|python-requests|"
    r"httpclient|headless|lighthouse|monitor|uptime|scrapy|go-http-client|java/|okhttp|axios|node-fetch",
    re.IGNORECASE,
)


def is_bot(request):
    agent = request.META.get("HTTP_USER_AGENT", "")
    return not agent or bool(BOT_RE.search(agent))
