# Sourced by ./nnc and .ci/run: exports JAVA_HOME pointing at a JDK 25 or newer, or exits
# with a message saying how to provide one. The system's default java may be older.

nnc_jdk_version() { # prints the feature version of the JDK at $1, or nothing
  local release="$1/release"
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && [ -f "$release" ] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release"
}

nnc_select_jdk() {
  local candidate version
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -d "$candidate" ] || continue
    version=$(nnc_jdk_version "$candidate")
    if [ -n "$version" ] && [ "$version" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "nnc: no JDK 25 or newer found (JAVA_HOME=${JAVA_HOME:-unset}, nothing suitable in /usr/lib/jvm)." >&2
  echo "nnc: install a JDK 25+ and set JAVA_HOME to it." >&2
  exit 1
}

nnc_select_jdk
