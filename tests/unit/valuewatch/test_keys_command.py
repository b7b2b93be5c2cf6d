"""`valuewatch keys create --scope assessor|export`: new scopes are stored on both databases."""

import pytest

from collector.keys import GRANTS, list_keys
from metrics.store.database import Store
from metrics.store.tables import Scope
from valuewatch.cli import main


def test_an_assessor_key_is_created_and_stored(
    store: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VALUEWATCH_DATABASE_URL",
                       store.engine.url.render_as_string(hide_password=False))

    status = main(["keys", "create", "--name", "anna", "--scope", "assessor"])

    assert status == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("vw_")
    assert [(key.name, Scope(key.scope)) for key in list_keys(store)] == [
        ("anna", Scope.assessor)]
    assert GRANTS[Scope.assessor] == {Scope.assessor, Scope.read}


def test_an_export_key_is_created_and_grants_only_export(
    store: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VALUEWATCH_DATABASE_URL",
                       store.engine.url.render_as_string(hide_password=False))

    assert main(["keys", "create", "--name", "datasets", "--scope", "export"]) == 0

    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("vw_")
    assert [(key.name, Scope(key.scope)) for key in list_keys(store)] == [
        ("datasets", Scope.export)]
    assert GRANTS[Scope.export] == {Scope.export}
