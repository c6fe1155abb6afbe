"""The page reader itself: what open_page reports about small pages whose truth we know."""

from __future__ import annotations

import base64
import struct
import zlib

from pathlib import Path

import pytest

from tests.browser import browser, browser_programs, open_page, src_kind  # noqa: F401  (browser is a fixture)

pytestmark = pytest.mark.browser


def png_bytes(width: int, height: int) -> bytes:
    """A valid RGB PNG of the given size, all pixels mid-grey, built by hand from its chunks."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))  # filter byte 0 per row
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def write_page(folder: Path, body: str, title: str = "page", name: str = "page.html") -> Path:
    page = folder / name
    page.write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>',
        encoding="utf-8",
    )
    return page


def test_embedded_png_is_loaded_at_its_pixel_size(browser, tmp_path):
    data = base64.b64encode(png_bytes(7, 3)).decode("ascii")
    page = open_page(browser, write_page(tmp_path, f'<img alt="step image" src="data:image/png;base64,{data}">'))
    [image] = page.images
    assert (image.alt, image.src_kind, image.loaded) == ("step image", "data:image/png", True)
    assert (image.natural_width, image.natural_height) == (7, 3)


def test_png_file_beside_the_page_is_loaded(browser, tmp_path):
    (tmp_path / "figure.png").write_bytes(png_bytes(4, 5))
    page = open_page(browser, write_page(tmp_path, '<img alt="figure" src="figure.png">'))
    [image] = page.images
    assert (image.src_kind, image.loaded, image.natural_width, image.natural_height) == ("file", True, 4, 5)


def test_undecodable_embedded_image_is_not_loaded(browser, tmp_path):
    page = open_page(browser, write_page(tmp_path, '<img alt="broken" src="data:image/png;base64,AAAA">'))
    [image] = page.images
    assert (image.src_kind, image.loaded) == ("data:image/png", False)
    assert (image.natural_width, image.natural_height) == (0, 0)


def test_missing_image_file_is_not_loaded_and_logged(browser, tmp_path):
    page = open_page(browser, write_page(tmp_path, '<img alt="gone" src="no-such-figure.png">'))
    [image] = page.images
    assert (image.src_kind, image.loaded) == ("file", False)
    assert any("ERR_FILE_NOT_FOUND" in message for message in page.console_errors)


def test_korean_text_and_title_read_back_unchanged(browser, tmp_path):
    korean = write_page(tmp_path, "<h1>합성곱 층</h1><p>에지 검출 점수: 3/5</p>", title="12주차 피드백")
    page = open_page(browser, korean)
    assert page.title == "12주차 피드백"
    assert page.text.splitlines() == ["합성곱 층", "", "에지 검출 점수: 3/5"]
    assert "합성곱 층" in page.html


def test_console_errors_belong_to_the_page_that_logged_them(browser, tmp_path):
    noisy = open_page(browser, write_page(tmp_path, '<script>console.error("커널 오류")</script>'))
    quiet = open_page(browser, write_page(tmp_path, "<p>fine</p>", name="quiet.html"))
    assert any("커널 오류" in message for message in noisy.console_errors)
    assert quiet.console_errors == []


def test_src_kind_names_data_urls_by_media_type_and_others_by_scheme():
    assert src_kind("data:image/png;base64,AAAA") == "data:image/png"
    assert src_kind("data:image/svg+xml,<svg/>") == "data:image/svg+xml"
    assert src_kind("file:///tmp/figure.png") == "file"
    assert src_kind("") == ""


def test_missing_browser_names_the_set_up_that_installs_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match=r"chromium and chromedriver not found.*`\./run\.sh test` installs"):
        browser_programs()
