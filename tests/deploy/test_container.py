"""The container recipe (Dockerfile, compose.yaml, deploy/compose.env.example) checked against
the application it runs: no image is built here (no container engine on the test machines), so
these tests check what can go wrong without one — a variable nobody reads, a command renamed, a
volume that hides the static files, a health check that cannot pass (docs/deployment.md,
"Containers")."""

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
import yaml
from django.core.management import get_commands
from django.urls import resolve

PROJECT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("release", "web", "worker", "beat")


def dockerfile_instructions():
    """(instruction, arguments) of the Dockerfile's last stage, continuation lines joined."""
    text = (PROJECT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    instructions = [line.strip().split(None, 1) for line in joined.splitlines() if line.strip()]
    last_from = max(i for i, (name, _) in enumerate(instructions) if name.upper() == "FROM")
    return [(name.upper(), args) for name, args in instructions[last_from:]]


def image_env():
    env = {}
    for name, args in dockerfile_instructions():
        if name == "ENV":
            env.update(item.split("=", 1) for item in shlex.split(args))
    return env


def image_exec_form(instruction):
    """The JSON array of CMD, or of HEALTHCHECK's CMD."""
    for name, args in dockerfile_instructions():
        if name == instruction:
            return json.loads(args[args.index("[") :])
    raise AssertionError(f"no {instruction} in the Dockerfile")


def compose():
    return yaml.safe_load((PROJECT / "compose.yaml").read_text())


def env_example(*, commented=False):
    """Variables of deploy/compose.env.example (with the commented-out alternatives if asked)."""
    names = {}
    pattern = r"#?\s*([A-Z][A-Z0-9_]*)=(.*)" if commented else r"([A-Z][A-Z0-9_]*)=(.*)"
    for line in (PROJECT / "deploy" / "compose.env.example").read_text().splitlines():
        if match := re.fullmatch(pattern, line.strip()):
            names[match[1]] = match[2]
    return names


def settings_variables():
    """Every environment variable src/parvis/settings.py reads."""
    source = (PROJECT / "src" / "parvis" / "settings.py").read_text()
    return set(
        re.findall(r"""(?:env(?:_bool|_int|_list)?|os\.environ\.get)\(\s*"([A-Z0-9_]+)\"""", source)
    )


def compose_interpolations():
    text = (PROJECT / "compose.yaml").read_text()
    return set(re.findall(r"(?<!\$)\$\{([A-Z0-9_]+)", text))


def test_env_example_sets_only_variables_something_reads():
    readers = settings_variables() | compose_interpolations() | {"WEB_CONCURRENCY"}  # gunicorn
    unknown = set(env_example(commented=True)) - readers
    assert not unknown, f"deploy/compose.env.example sets variables nothing reads: {unknown}"


def test_every_interpolated_variable_is_in_env_example():
    missing = compose_interpolations() - set(env_example())
    assert not missing, f"compose.yaml interpolates variables the example does not set: {missing}"


def test_the_example_environment_passes_the_deployment_checks(tmp_path):
    """The containers' environment — the image's ENV, then .env, then compose's environment —
    loads the production settings and passes `check --deploy` at warning level."""
    app = compose()["x-parvis"]
    password = env_example()["POSTGRES_PASSWORD"]
    container_env = {
        **image_env(),
        **env_example(),
        **{
            name: value.replace("${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}", password)
            for name, value in app["environment"].items()
        },
        "PARVIS_VAR_DIR": str(tmp_path),
    }
    assert container_env["DEBUG"] == "false"
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "PARVIS_SITE_URL"):
        assert container_env.get(name), f"{name} is needed in production"
    assert container_env["DATABASE_URL"].startswith("postgres://parvis:")
    assert container_env["REDIS_URL"].startswith("redis://redis:")
    environment = {"PATH": os.environ["PATH"], "PYTHONPATH": str(PROJECT / "src")}
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env={**environment, **container_env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_commands_name_real_entry_points():
    module, attribute = image_exec_form("CMD")[1].split(":")
    assert module == "parvis.wsgi"
    assert callable(getattr(__import__(module, fromlist=[attribute]), attribute))
    services = compose()["services"]
    for name in ("worker", "beat"):
        command = services[name]["command"]
        assert command[:3] == ["celery", "-A", "parvis"], name
    import parvis

    assert parvis.celery_app.main == "parvis"
    release = services["release"]["command"][-1]
    called = re.findall(r"django-admin (\w+)", release)
    assert called[0] == "migrate"
    assert set(called) <= set(get_commands()), called


def test_exactly_one_scheduler():
    services = compose()["services"]
    with_beat = [
        name
        for name, service in services.items()
        if any(part in ("beat", "--beat", "-B") for part in service.get("command") or [])
    ]
    assert with_beat == ["beat"]
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_volumes_share_media_and_keep_the_collected_static_files():
    env = image_env()
    static_root = PurePosixPath(env["PARVIS_VAR_DIR"]) / "static"
    services = compose()["services"]
    mounts = {
        name: {volume.split(":")[0]: volume.split(":")[1] for volume in service.get("volumes", [])}
        for name, service in services.items()
    }
    for name in APP_SERVICES:
        for target in mounts[name].values():
            # A volume on STATIC_ROOT or above it would hide the files collected in the image.
            assert not static_root.is_relative_to(target), (name, target)
    for name in ("web", "worker", "nginx"):
        assert mounts[name]["media"] == env["MEDIA_ROOT"], name
    for name in ("web", "worker"):
        assert mounts[name]["private"] == env["PARVIS_PRIVATE_ROOT"], name
    nginx_conf = (PROJECT / "deploy" / "nginx" / "compose.conf").read_text()
    assert f"alias {env['MEDIA_ROOT']}/;" in nginx_conf
    assert re.search(r"proxy_pass \$parvis_web;", nginx_conf)
    assert "set $parvis_web http://web:8000;" in nginx_conf
    assert "8000" in image_exec_form("CMD")[image_exec_form("CMD").index("--bind") + 1]


def healthcheck(url, allowed_hosts):
    command = image_exec_form("HEALTHCHECK")
    assert command[:2] == ["python", "-c"]
    code = command[2]
    assert "http://127.0.0.1:8000/sante/" in code
    assert resolve("/sante/").url_name == "health"
    return subprocess.run(
        [sys.executable, "-c", code.replace("http://127.0.0.1:8000", url)],
        env={"PATH": os.environ["PATH"], "ALLOWED_HOSTS": allowed_hosts},
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.parametrize(
    "allowed_hosts", ["parvis.example.org,www.parvis.example.org", ".example.org", "*"]
)
def test_healthcheck_passes_against_a_healthy_site(live_server, settings, allowed_hosts):
    """The image's HEALTHCHECK, run as written against a live server that only accepts the
    configured host names (Django answers 400 to any other Host)."""
    settings.ALLOWED_HOSTS = allowed_hosts.split(",")
    result = healthcheck(live_server.url, allowed_hosts)
    assert result.returncode == 0, result.stderr


def test_healthcheck_fails_when_the_site_is_not_healthy(live_server, settings):
    settings.ALLOWED_HOSTS = ["parvis.example.org"]
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    result = healthcheck(live_server.url, "parvis.example.org")
    assert result.returncode != 0
    assert "503" in result.stderr
