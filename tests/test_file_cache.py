"""The file cache used without Redis (mttq_portal.file_cache): shared by processes, bounded, and not
listing its whole directory on every write."""
import os

from django.core.cache.backends.filebased import FileBasedCache

from mttq_portal.file_cache import SharedFileCache


def entries(directory):
    return len([name for name in os.listdir(directory) if name.endswith(FileBasedCache.cache_suffix)])


def test_the_cache_stays_near_its_bound(tmp_path):
    cache = SharedFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 60, "CULL_EVERY": 20, "CULL_SECONDS": 3600}})
    most = 0
    for i in range(600):
        cache.set(f"page-{i}", b"x" * 100, 600)
        most = max(most, entries(tmp_path))
    assert most <= 60 + 20, most  # culled back at least every 20 writes
    assert cache.get("page-599") == b"x" * 100


def test_a_write_does_not_list_the_directory_each_time(tmp_path, monkeypatch):
    cache = SharedFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10_000, "CULL_EVERY": 50,
                                                        "CULL_SECONDS": 3600}})
    listed = []
    original = SharedFileCache._list_cache_files
    monkeypatch.setattr(SharedFileCache, "_list_cache_files", lambda self: listed.append(1) or original(self))
    for i in range(500):
        cache.set(f"k{i}", i, 600)
    assert 1 <= len(listed) <= 500 // 50 + 1


def test_other_processes_see_the_same_entries(tmp_path):
    one = SharedFileCache(str(tmp_path), {})
    other = SharedFileCache(str(tmp_path), {})
    one.set("pc:gen:1", "abc", None)
    assert other.get("pc:gen:1") == "abc"
    other.delete("pc:gen:1")
    assert one.get("pc:gen:1") is None
