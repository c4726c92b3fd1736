"""Driving the widget in headless Chromium: selectors, waits and in-page measurements (contrast,
focus ring) shared by the browser tests."""

from __future__ import annotations

from web_helpers import REPLY_TIMEOUT

ROOT_JS = "document.querySelector('tendik-widget').shadowRoot"
READY_JS = "() => !!window.TendikWidget && performance.getEntriesByName('tendik-widget-ready').length > 0"


def wait_ready(page) -> None:  # noqa: ANN001
    page.wait_for_function(READY_JS)


def open_demo(page, base: str, path: str = "/") -> None:  # noqa: ANN001
    page.goto(base + path)
    wait_ready(page)


def bot_count(page) -> int:  # noqa: ANN001
    return page.evaluate(f"{ROOT_JS}.querySelectorAll('.tw-msg-bot:not(.tw-welcome)').length")


def wait_reply(page, before: int) -> None:  # noqa: ANN001
    """Until a new bot message is shown and the typing indicator is gone."""
    page.wait_for_function(
        f"n => {{ const r = {ROOT_JS}; return r.querySelectorAll('.tw-msg-bot:not(.tw-welcome)').length > n"
        " && r.querySelector('.tw-typing').hidden; }",
        arg=before,
        timeout=REPLY_TIMEOUT * 1000,
    )


def ask(page, text: str) -> None:  # noqa: ANN001
    """Type a question and press Enter; wait for the reply."""
    before = bot_count(page)
    box = page.locator(".tw-input")
    box.fill(text)
    box.press("Enter")
    wait_reply(page, before)


def active(page) -> dict:  # noqa: ANN001
    """The focused element inside the widget (class, text, attributes), or {} if focus is outside."""
    return page.evaluate(
        f"""() => {{
        const host = document.querySelector('tendik-widget');
        if (document.activeElement !== host) return {{}};
        const el = {ROOT_JS}.activeElement;
        if (!el) return {{}};
        return {{cls: el.className || '', tag: el.tagName.toLowerCase(), text: (el.textContent || '').trim().slice(0, 80),
                 expanded: el.getAttribute('aria-expanded'), pressed: el.getAttribute('aria-pressed'),
                 vote: el.getAttribute('data-vote')}};
    }}"""
    )


def focus_ring(page) -> dict:  # noqa: ANN001
    """How the focused widget element shows its focus (computed styles)."""
    return page.evaluate(
        f"""() => {{
        const el = {ROOT_JS}.activeElement;
        const s = getComputedStyle(el);
        return {{outline: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor, shadow: s.boxShadow,
                 visible: el.matches(':focus-visible')}};
    }}"""
    )


def storage(page) -> dict:  # noqa: ANN001
    return page.evaluate("() => JSON.parse(localStorage.getItem('tendik-widget:v2') || '{}')")


CONTRAST_JS = f"""
(selectors) => {{
  const root = {ROOT_JS};
  const parse = c => {{ const m = c.match(/[\\d.]+/g).map(Number); return {{rgb: m.slice(0, 3), a: m.length > 3 ? m[3] : 1}}; }};
  const lum = rgb => {{ const c = rgb.map(v => {{ v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }});
                      return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; }};
  const ratio = (a, b) => {{ const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); }};
  const background = el => {{
    for (let e = el; e; e = e.parentElement || (e.getRootNode() && e.getRootNode().host)) {{
      const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg.a > 0.99) return bg.rgb;
      if (e === document.documentElement) break;
    }}
    return [255, 255, 255];
  }};
  const out = [];
  for (const sel of selectors) {{
    const pseudo = sel.endsWith('::placeholder') ? '::placeholder' : null;
    const el = root.querySelector(pseudo ? sel.replace('::placeholder', '') : sel);
    if (!el) {{ out.push({{sel, missing: true}}); continue; }}
    const fg = parse(getComputedStyle(el, pseudo).color);
    out.push({{sel, ratio: Math.round(ratio(fg.rgb, background(el)) * 100) / 100, fg: fg.rgb, bg: background(el)}});
  }}
  return out;
}}
"""


def contrasts(page, selectors: list[str]) -> list[dict]:  # noqa: ANN001
    return page.evaluate(CONTRAST_JS, selectors)
