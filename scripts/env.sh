# Sourced by every project script: finds a JDK 25+ and sets JAVA_HOME, PATH and MAVEN_OPTS.
# The default `java` on these machines is 17, which cannot build or run this project
# (java.lang.foreign is final only from 22, and we target release 25).

SLIMFIT_MIN_JDK=25

slimfit_java_major() {  # prints the feature version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n 1
}

slimfit_find_jdk() {
  local candidate major
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(slimfit_java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge "$SLIMFIT_MIN_JDK" ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  for candidate in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(slimfit_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge "$SLIMFIT_MIN_JDK" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

if ! SLIMFIT_JDK=$(slimfit_find_jdk); then
  echo "error: no JDK $SLIMFIT_MIN_JDK or newer found (JAVA_HOME='${JAVA_HOME:-}', searched /usr/lib/jvm, /opt, ~/.sdkman, ~/.jdks)." >&2
  echo "       Install one, e.g. 'apt-get install temurin-25-jdk' (Adoptium repository) or unpack a JDK 25 and set JAVA_HOME." >&2
  exit 1
fi
export JAVA_HOME="$SLIMFIT_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
# Silences the Unsafe deprecation warnings Maven and JMH print on JDK 25 (kept out of .mvn/jvm.config, which 17 would reject).
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"

if ! command -v mvn >/dev/null 2>&1; then
  echo "error: Maven (mvn) not found on PATH; install Apache Maven 3.8+ (e.g. 'apt-get install maven')." >&2
  exit 1
fi
