"""The files the installed package reads at run time live inside it (a wheel carries them), and
the repository's docs/examples/ is a view of them, not a second copy.
The full proof, a built wheel in a clean venv, is .ci/wheel-check (`make wheel-check`)."""

import json
import pathlib

import pytest

import torchtcl_kernel
from torchtcl_kernel import introspect, kernelspec

PACKAGE = pathlib.Path(torchtcl_kernel.__file__).resolve().parent
ROOT = PACKAGE.parent


def test_runtime_files_are_inside_the_package():
    for path in (kernelspec.SOURCE, introspect.EXAMPLES):
        assert path.resolve().is_relative_to(PACKAGE), path
    assert {p.name for p in kernelspec.SOURCE.iterdir()} == {
        "kernel.json", "logo-32x32.png", "logo-64x64.png"}
    assert len(list(introspect.EXAMPLES.glob("*.tcl"))) > 50


def test_repository_copies_are_symlinks_to_the_package_data():
    # One source of truth: editing either path edits the same file.
    assert (ROOT / "docs" / "examples").resolve() == introspect.EXAMPLES.resolve()
    # The kernelspec has no view outside the package: no second copy to drift either.
    top = ROOT / "kernelspec"
    assert not top.exists() or top.resolve() == kernelspec.SOURCE.resolve()


def test_package_data_globs_cover_the_files():
    import tomllib
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["torchtcl_kernel"]
    data = PACKAGE / "data"
    shipped = {p for g in globs for p in PACKAGE.glob(g)}
    assert {p for p in data.rglob("*") if p.is_file()} <= shipped


def test_install_into_a_prefix(tmp_path):
    installed = pathlib.Path(kernelspec.install(prefix=str(tmp_path)))
    assert installed == tmp_path / "share" / "jupyter" / "kernels" / kernelspec.NAME
    spec = json.loads((installed / "kernel.json").read_text())
    assert spec["argv"][1:3] == ["-m", "torchtcl_kernel"]
    assert pathlib.Path(spec["argv"][0]).name.startswith("python")
    assert (installed / "logo-64x64.png").read_bytes()[:4] == b"\x89PNG"


def test_uninstall_removes_only_from_the_location_given(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "user"))   # --user's directory
    in_user = pathlib.Path(kernelspec.install(user=True))
    in_prefix = pathlib.Path(kernelspec.install(prefix=str(tmp_path / "env")))
    assert in_user == tmp_path / "user" / "kernels" / kernelspec.NAME

    assert kernelspec.uninstall(prefix=str(tmp_path / "env")) == str(in_prefix)
    assert not in_prefix.exists() and (in_user / "kernel.json").exists()
    with pytest.raises(kernelspec.NotInstalled, match="no kernelspec torchtcl in .*/env/"):
        kernelspec.uninstall(prefix=str(tmp_path / "env"))
    assert kernelspec.uninstall(user=True) == str(in_user)
    assert not in_user.exists()
