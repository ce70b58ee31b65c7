"""Sign-in users from settings, constant-time check, who may upload."""

import pytest

from assistant.web.access import checker, load_users, may_upload
from ingest.errors import ConfigError
from ingest.settings import Settings

pytestmark = pytest.mark.unit


def test_users_from_env_string_and_file(tmp_path):
    f = tmp_path / "users.txt"
    f.write_text("# beheer\nbeheer:geheim:met:dubbelepunt\n\nlezer:ww2\n", encoding="utf-8")
    s = Settings(data_dir=tmp_path, users="a:1, b:2", auth_file=f)
    users = load_users(s)
    assert users == {"a": "1", "b": "2", "beheer": "geheim:met:dubbelepunt", "lezer": "ww2"}
    check = checker(users)
    assert check("a", "1") and not check("a", "2") and not check("x", "1")
    assert checker({}) is None and load_users(Settings(data_dir=tmp_path)) == {}


def test_bad_entry_names_the_place_not_the_password(tmp_path):
    f = tmp_path / "users.txt"
    f.write_text("ok:pw\nzonderwachtwoord\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"users.txt:2 has no ':' between user name and password"):
        load_users(Settings(data_dir=tmp_path, auth_file=f))
    # a ';' typed for ':' leaves the whole entry, password included, without a colon
    with pytest.raises(ConfigError) as err:
        load_users(Settings(data_dir=tmp_path, users="beheer;Geheim-1"))
    assert "Geheim" not in str(err.value) and "MBO_USERS entry 1 has no ':'" in str(err.value)
    with pytest.raises(ConfigError, match="empty password for user 'lezer'"):
        load_users(Settings(data_dir=tmp_path, users="lezer:"))
    with pytest.raises(ConfigError) as err:
        load_users(Settings(data_dir=tmp_path, users="a:supersecret,b"))
    assert "supersecret" not in str(err.value) and "MBO_USERS entry 2" in str(err.value)
    with pytest.raises(ConfigError, match="cannot read"):
        load_users(Settings(data_dir=tmp_path, auth_file=tmp_path / "missing.txt"))


def test_may_upload(tmp_path):
    s = Settings(data_dir=tmp_path, admins="beheer, root")
    assert may_upload(s, True, "beheer") and not may_upload(s, True, "lezer") and not may_upload(s, True, None)
    assert not may_upload(s, False, None)

    class Open(Settings):
        allow_uploads: bool = True

    assert may_upload(Open(data_dir=tmp_path), False, None)
