# Sourced by the scripts that run Python tools: `python_venv DIR REQUIREMENTS` makes a virtual
# environment in DIR with the pinned packages of REQUIREMENTS, and makes it again only when that
# file changes (a stamp named after its hash).
python_venv() {
  local venv=$1 requirements=$2
  local stamp
  stamp="$venv/.installed-$(sha256sum "$requirements" | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "installing $requirements into $venv (first run only)"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    touch "$stamp"
  fi
}

# `python_wheel DIR`: builds the edgescore wheel (maturin, from python/) into .cache/wheels and
# installs it into the virtual environment DIR, as a user installs it.
python_wheel() {
  local venv=$1
  rm -rf .cache/wheels
  (cd python && "../$venv/bin/maturin" build --release --quiet --out ../.cache/wheels) >/dev/null
  "$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps .cache/wheels/edgescore-*.whl
}
