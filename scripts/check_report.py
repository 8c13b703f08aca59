#!/usr/bin/env python3
"""Check an `obsscale … --html` report in headless Chromium (used by `make check-report`).

    scripts/check_report.py FILE.html [FILE.html …] [--screenshot OUT.png] [--min-charts N]

For each file, Chromium loads the page and prints the rendered DOM (--dump-dom); the checker parses
it with html.parser and fails (exit 1) when

  * the page has no <svg>, or fewer top-level <svg> charts than --min-charts;
  * a chart has no data marks (elements whose class contains "mark"; marks in nested <svg>s count
    for the enclosing chart);
  * a chart has neither a viewBox nor both width and height (or a malformed/empty one);
  * any attribute anywhere in the page holds NaN, Infinity or undefined (also Swift's "nan"/"inf"
    in geometry attributes such as cx, d, points, transform, viewBox);
  * the text drawn in a chart (<text>, <title>) shows NaN, nan, inf, Infinity or undefined;
  * the page is not self-contained (a <script>, or a stylesheet/image/frame loaded over the network);
  * in the browser's layout, a chart has a zero-size box, or none of its marks has a non-empty
    bounding box, or none lies inside the chart's box (measured by a second load of a copy of the
    page with a small probe script appended; the report itself is checked script-free).

With --screenshot, it saves a PNG of the whole page at 1280 px width (the window height is the
page height measured by the probe). Chromium: $CHROMIUM, else chromium, chromium-browser,
google-chrome. Python 3 standard library only. Exit codes: 0 all files pass, 1 a check failed,
2 usage or browser error.
"""

import argparse
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

WIDTH = 1280
MAX_HEIGHT = 30000  # the tallest screenshot we take; a taller page is cut (with a warning)
TIMEOUT = 180  # seconds per Chromium run

SHAPES = {"circle", "rect", "path", "polyline", "line", "polygon", "ellipse"}
GEOMETRY_ATTRS = {
    "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "width", "height", "d",
    "points", "transform", "viewbox", "dx", "dy", "stroke-width", "opacity", "fill-opacity",
    "stroke-opacity", "offset", "font-size", "stroke-dasharray",
}
# any attribute: JavaScript/Swift spellings of a non-number (case-sensitive, so names like "Nano" pass)
BAD_ANY_ATTR = re.compile(r"NaN|Infinity|\bundefined\b|\bnan\b|(?<![\w.])[-+]?inf\b")
# geometry attributes hold only numbers and path commands, so any of these letters is a bug

BAD_GEOMETRY = re.compile(r"nan|inf|undefined|null", re.IGNORECASE)
BAD_CHART_TEXT = re.compile(r"\bNaN\b|\bnan\b|[-+]?\binf\b|Infinity|\bundefined\b")
SUSPECT_TABLE_TEXT = re.compile(r"^\s*[-+]?(NaN|nan|inf|Infinity|undefined)\s*$")
REMOTE = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
CSS_REMOTE = re.compile(r"(@import|url\()\s*['\"]?\s*(https?:)?//", re.IGNORECASE)
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}

PROBE_ATTR = "data-check-report-probe"
PROBE = """<script>(function () {
  var root = document.documentElement, out = {};
  out.height = Math.ceil(Math.max(root.scrollHeight, document.body ? document.body.scrollHeight : 0,
                                  root.getBoundingClientRect().height));
  out.width = Math.ceil(Math.max(root.scrollWidth, document.body ? document.body.scrollWidth : 0));
  out.charts = [];
  var svgs = document.querySelectorAll('svg');
  for (var i = 0; i < svgs.length; i++) {
    var svg = svgs[i];
    if (svg.parentElement && svg.parentElement.closest('svg')) continue;  // nested: part of its chart
    var box = svg.getBoundingClientRect(), marks = svg.querySelectorAll('[class*="mark"]');
    var drawn = 0, inside = 0;
    for (var j = 0; j < marks.length; j++) {
      var m = marks[j], b = null;
      try { b = m.getBBox ? m.getBBox() : null; } catch (e) { b = null; }
      var r = m.getBoundingClientRect();
      if ((b && (b.width > 0 || b.height > 0)) || (!b && (r.width > 0 || r.height > 0))) drawn++;
      if (r.right >= box.left - 0.5 && r.left <= box.right + 0.5 &&
          r.bottom >= box.top - 0.5 && r.top <= box.bottom + 0.5 &&
          (r.width > 0 || r.height > 0)) inside++;
    }
    var style = getComputedStyle(svg);
    out.charts.push({w: box.width, h: box.height, marks: marks.length, drawn: drawn, inside: inside,
                     hidden: style.display === 'none' || style.visibility === 'hidden'});
  }
  root.setAttribute('%s', JSON.stringify(out));
})();</script>""" % PROBE_ATTR


class Chart:
    def __init__(self, index, attrs, heading, figure):
        self.index = index
        self.attrs = attrs
        self.heading = heading
        self.figure = figure
        self.title = None  # the first <title> directly inside the <svg>
        self.marks = 0
        self.mark_shapes = 0
        self.classes = set()
        self.has_axis = False

    def label(self, figcaptions):
        name = self.title or self.attrs.get("aria-label") or figcaptions.get(self.figure) or self.heading
        text = "chart %d" % (self.index + 1)
        if name:
            name = " ".join(name.split())
            text += ' "%s"' % (name if len(name) <= 70 else name[:67] + "...")
        if self.attrs.get("id"):
            text += " (#%s)" % self.attrs["id"]
        return text


class ReportParser(HTMLParser):
    """Walks the rendered DOM: the charts (top-level <svg>s), their marks and every attribute."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # open tags: (tag, chart-or-None, classes)
        self.charts = []
        self.problems = []  # (chart-or-None, message)
        self.warnings = []
        self.probe = None
        self.heading = None
        self.heading_text = None  # collecting the text of an open heading
        self.figures = []  # stack of open <figure> ids
        self.figure_count = 0
        self.figcaptions = {}
        self.caption_text = None
        self.title_text = None  # collecting a chart's direct <title>
        self.text_owner = []  # open <text>/<title>/<tspan> tags inside a chart
        self.table_depth = 0
        self.scripts = 0
        self.all_svgs = 0
        self.in_style = False

    # the chart the parser is inside, if any
    def chart(self):
        for entry in self.stack:
            if entry[1] is not None:
                return entry[1]
        return None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_starttag(self, tag, attrs):
        attrs_dict = {}
        for name, value in attrs:
            if name == PROBE_ATTR:
                try:
                    self.probe = json.loads(value or "{}")
                except ValueError:
                    self.probe = None
                continue
            attrs_dict[name] = value if value is not None else ""
        classes = set((attrs_dict.get("class") or "").split())
        chart = self.chart()
        new_chart = None
        if tag == "svg":
            self.all_svgs += 1
            if chart is None:
                figure = self.figures[-1] if self.figures else None
                new_chart = Chart(len(self.charts), attrs_dict, self.heading, figure)
                new_chart.classes = classes
                self.charts.append(new_chart)
                chart = new_chart
        self.check_attributes(tag, attrs_dict, chart)
        if tag == "script":
            self.scripts += 1
        if tag == "link" and REMOTE.match(attrs_dict.get("href", "")) and \
                "stylesheet" in (attrs_dict.get("rel") or "").lower() + " " + (attrs_dict.get("as") or ""):
            self.problems.append((None, "not self-contained: <link> loads %s" % attrs_dict["href"]))
        if tag in {"img", "iframe", "embed", "source", "audio", "video", "use", "image", "object"}:
            for key in ("src", "href", "xlink:href", "data"):
                if REMOTE.match(attrs_dict.get(key, "")):
                    self.problems.append((chart, "not self-contained: <%s %s> loads %s" % (tag, key, attrs_dict[key])))
        if chart is not None:
            if any("mark" in c for c in classes):
                chart.marks += 1
                if tag in SHAPES:
                    chart.mark_shapes += 1
            if tag == "g" and "axis" in classes:
                chart.has_axis = True
            if tag == "title" and self.stack and self.stack[-1][1] is chart and chart.title is None:
                self.title_text = []
            if tag in ("text", "title", "tspan", "textpath"):
                self.text_owner.append(tag)
        if tag in HEADINGS:
            self.heading_text = []
        if tag == "figure":
            self.figure_count += 1
            self.figures.append(self.figure_count)
        if tag == "figcaption" and self.figures:
            self.caption_text = []
        if tag == "table":
            self.table_depth += 1
        if tag == "style":
            self.in_style = True
        if tag not in VOID:
            self.stack.append((tag, new_chart, classes))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        # pop to the matching open tag (the serialised DOM is well formed, but be forgiving)
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break
        else:
            return
        if tag in HEADINGS and self.heading_text is not None:
            self.heading = "".join(self.heading_text).strip() or self.heading
            self.heading_text = None
        if tag == "figcaption" and self.caption_text is not None and self.figures:
            self.figcaptions[self.figures[-1]] = "".join(self.caption_text).strip()
            self.caption_text = None
        if tag == "figure" and self.figures:
            self.figures.pop()
        if tag == "title" and self.title_text is not None:
            chart = self.chart()
            if chart is not None:
                chart.title = "".join(self.title_text).strip()
            self.title_text = None
        if tag in ("text", "title", "tspan", "textpath") and self.text_owner:
            self.text_owner.pop()
        if tag == "table":
            self.table_depth -= 1
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.heading_text is not None:
            self.heading_text.append(data)
        if self.caption_text is not None:
            self.caption_text.append(data)
        if self.title_text is not None:
            self.title_text.append(data)
        chart = self.chart()
        if chart is not None and self.text_owner and BAD_CHART_TEXT.search(data):
            self.problems.append((chart, "<%s> text shows %r" % (self.text_owner[0], clip(data.strip()))))
        elif chart is None and self.table_depth and SUSPECT_TABLE_TEXT.match(data):
            self.warnings.append("a table cell shows %r" % data.strip())
        if self.in_style and CSS_REMOTE.search(data):
            self.problems.append((None, "not self-contained: <style> imports a remote resource"))

    def check_attributes(self, tag, attrs, chart):
        for name, value in attrs.items():
            lname = name.lower()
            bad = BAD_ANY_ATTR.search(value)
            if not bad and lname in GEOMETRY_ATTRS:
                bad = BAD_GEOMETRY.search(value)
            if bad:
                where = "<%s%s>" % (tag, (' class="%s"' % attrs["class"]) if attrs.get("class") else "")
                self.problems.append((chart, "%s %s=%r contains %r" % (where, name, clip(value), bad.group(0))))
            if lname == "style" and CSS_REMOTE.search(value):
                self.problems.append((chart, "not self-contained: <%s style> loads a remote resource" % tag))


def clip(text, limit=80):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def parse_length(value):
    match = re.match(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px|%|em|rem|pt|vw|vh)?\s*$", value or "")
    return float(match.group(1)) if match else None


def check_size(chart):
    """The chart needs a viewBox, or both width and height, and what it has must be usable."""
    attrs = chart.attrs
    problems = []
    viewbox = attrs.get("viewbox", attrs.get("viewBox"))
    width, height = attrs.get("width"), attrs.get("height")
    if viewbox is not None:
        parts = re.split(r"[\s,]+", viewbox.strip())
        try:
            numbers = [float(p) for p in parts]
        except ValueError:
            numbers = []
        if len(numbers) != 4:
            problems.append("malformed viewBox=%r" % viewbox)
        elif numbers[2] <= 0 or numbers[3] <= 0:
            problems.append("empty viewBox=%r (width and height must be > 0)" % viewbox)
    elif width is None or height is None:
        missing = " and ".join(n for n, v in (("width", width), ("height", height)) if v is None)
        problems.append("no viewBox and no %s" % missing)
    for name, value in (("width", width), ("height", height)):
        if value is not None and value.strip() != "auto":
            number = parse_length(value)
            if number is None:
                problems.append("unusable %s=%r" % (name, value))
            elif number <= 0:
                problems.append("%s=%r is zero" % (name, value))
    return problems


def find_chromium():
    candidates = [os.environ.get("CHROMIUM")] if os.environ.get("CHROMIUM") else []
    candidates += ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
    for name in candidates:
        path = shutil.which(name)
        if path:
            return path
    print("check_report: Chromium not found (install the Debian package 'chromium', or set $CHROMIUM)",
          file=sys.stderr)
    sys.exit(2)


def run_chromium(browser, args, url, height):
    """One headless Chromium run with a throw-away profile; returns stdout (the DOM for --dump-dom)."""
    profile = tempfile.mkdtemp(prefix="check-report-profile-")
    command = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--no-first-run", "--no-default-browser-check", "--disable-extensions",
               "--hide-scrollbars", "--force-device-scale-factor=1", "--user-data-dir=" + profile,
               "--window-size=%d,%d" % (WIDTH, height)] + args + [url]
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
        try:
            out, err = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise BrowserError("Chromium timed out after %d s on %s" % (TIMEOUT, url))
        if process.returncode != 0:
            tail = "\n".join(err.decode("utf-8", "replace").strip().splitlines()[-5:])
            raise BrowserError("Chromium exited with %d on %s:\n%s" % (process.returncode, url, tail))
        return out.decode("utf-8", "replace")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


class BrowserError(Exception):
    pass


def with_probe(source):
    """The page with the measuring script appended at the end of <body>."""
    index = source.lower().rfind("</body>")
    if index < 0:
        return source + PROBE
    return source[:index] + PROBE + source[index:]


def check_file(browser, path, min_charts, screenshot):
    path = os.path.abspath(path)
    name = os.path.basename(path)
    if not os.path.isfile(path):
        raise BrowserError("%s: no such file" % path)
    with open(path, encoding="utf-8", errors="replace") as handle:
        source = handle.read()

    # 1. the rendered DOM of the report as it is
    dom = run_chromium(browser, ["--dump-dom"], "file://" + path, 1000)
    if "<svg" not in dom and "<svg" in source:
        raise BrowserError("%s: Chromium's DOM has no <svg> although the file does (did the page load?)" % name)
    parser = ReportParser()
    parser.feed(dom)
    parser.close()

    # 2. layout: a copy with the probe script, loaded at the screenshot width
    probe = None
    workdir = tempfile.mkdtemp(prefix="check-report-")
    try:
        probe_path = os.path.join(workdir, "probe-" + name)
        with open(probe_path, "w", encoding="utf-8") as handle:
            handle.write(with_probe(source))
        probe_parser = ReportParser()
        # a short window, so that the page's scroll height is its content's height, not the viewport's
        probe_parser.feed(run_chromium(browser, ["--dump-dom"], "file://" + probe_path, 200))
        probe = probe_parser.probe
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    problems = []  # (chart label or None, message)
    warnings = list(parser.warnings)
    charts = parser.charts
    if parser.scripts:
        problems.append((None, "not self-contained: the page has %d <script> element(s)" % parser.scripts))
    if not charts:
        problems.append((None, "no <svg> in the page"))
    elif len(charts) < min_charts:
        problems.append((None, "%d chart(s), expected at least %d" % (len(charts), min_charts)))
    if probe is None:
        warnings.append("the layout probe did not run; layout checks skipped")
    elif len(probe.get("charts", [])) != len(charts):
        warnings.append("the layout probe saw %d charts, the DOM %d; layout checks skipped"
                        % (len(probe.get("charts", [])), len(charts)))
        probe["charts"] = None

    labels = {id(c): c.label(parser.figcaptions) for c in charts}
    for chart, message in parser.problems:
        problems.append((labels[id(chart)] if chart is not None else None, message))
    for i, chart in enumerate(charts):
        label = labels[id(chart)]
        if chart.marks == 0:
            problems.append((label, "no drawn marks (no element with class \"mark\")"))
        for message in check_size(chart):
            problems.append((label, message))
        if "chart" not in chart.classes:
            warnings.append("%s: <svg> has no class \"chart\"" % label)
        if not chart.has_axis:
            warnings.append("%s: no <g class=\"axis\">" % label)
        if probe and probe.get("charts"):
            box = probe["charts"][i]
            if box.get("hidden"):
                problems.append((label, "the <svg> is hidden (display:none or visibility:hidden)"))
            elif box["w"] <= 0 or box["h"] <= 0:
                problems.append((label, "rendered size is %gx%g px" % (box["w"], box["h"])))
            elif chart.marks and box["drawn"] == 0:
                problems.append((label, "%d marks but none has a non-empty bounding box" % chart.marks))
            elif chart.marks and box["inside"] == 0:
                problems.append((label, "%d marks but none lies inside the chart's box" % chart.marks))
    if probe and probe.get("width", 0) > WIDTH + 1:
        warnings.append("the page is %d px wide, wider than the %d px window" % (probe["width"], WIDTH))

    height = None
    if screenshot:
        # the window is as tall as the page (without a probe result: a tall fixed window)
        height = max(200, min(int(probe.get("height", 0)), MAX_HEIGHT)) if probe else 4000
        if probe and probe.get("height", 0) > MAX_HEIGHT:
            warnings.append("page is %d px tall; the screenshot stops at %d px" % (probe["height"], MAX_HEIGHT))
        out = os.path.abspath(screenshot)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        if os.path.exists(out):
            os.remove(out)
        run_chromium(browser, ["--screenshot=" + out], "file://" + path, height)
        if not os.path.isfile(out) or os.path.getsize(out) == 0:
            raise BrowserError("%s: Chromium wrote no screenshot to %s" % (name, out))

    total_marks = sum(c.marks for c in charts)
    status = "FAIL" if problems else "OK"
    line = "%-4s %s: %d chart%s, %d marks" % (status, name, len(charts), "" if len(charts) == 1 else "s", total_marks)
    if probe:
        line += ", page %dx%d px" % (WIDTH, probe.get("height", 0))
    if screenshot:
        line += ", screenshot %s" % screenshot
    if problems:
        line += " — %d problem%s" % (len(problems), "" if len(problems) == 1 else "s")
    print(line)
    shown = {}
    for label, message in problems:
        key = (label, re.sub(r"=.*", "", message))
        shown[key] = shown.get(key, 0) + 1
        if shown[key] <= 3:  # the same fault on many marks: show three, count the rest
            print("     %s%s" % (label + ": " if label else "", message))
    for key, count in shown.items():
        if count > 3:
            print("     %s… and %d more like that" % (key[0] + ": " if key[0] else "", count - 3))
    for message in warnings[:10]:
        print("     warning: %s" % message)
    if len(warnings) > 10:
        print("     warning: … and %d more warnings" % (len(warnings) - 10))
    sys.stdout.flush()
    return not problems


def main():
    parser = argparse.ArgumentParser(description="Check obsscale HTML reports in headless Chromium.")
    parser.add_argument("files", nargs="+", metavar="FILE.html")
    parser.add_argument("--screenshot", metavar="OUT.png", help="save a full-page PNG (one FILE only)")
    parser.add_argument("--min-charts", type=int, default=1, metavar="N",
                        help="fail when the page has fewer than N charts (default 1)")
    args = parser.parse_args()
    if args.screenshot and len(args.files) != 1:
        parser.error("--screenshot takes one FILE")
    browser = find_chromium()
    ok = True
    for path in args.files:
        try:
            ok = check_file(browser, path, args.min_charts, args.screenshot) and ok
        except BrowserError as error:
            print("FAIL %s: %s" % (os.path.basename(path), error))
            sys.exit(2)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
