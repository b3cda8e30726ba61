#!/usr/bin/env bash
# Makes the root filesystem the VoiceCore image adds to an empty ('scratch') base, so no base image is pulled:
#   /opt/java            a Java runtime made by jlink from the JDK that runs the build
#   /lib, /lib64         the C libraries that runtime needs, copied from this machine (whatever ldd resolves)
#   /etc/passwd, group   the user the kernel runs as (65532, 'voicecore'), and nobody else but root
#   /tmp, /var/lib/voicecore   empty folders owned by that user: the only places the kernel writes (volumes)
# usage: build-runtime.sh JAVA_HOME OUTPUT_DIR
set -euo pipefail
jdk="$1"
out="$2"
rm -rf "$out"
mkdir -p "$out/opt" "$out/etc" "$out/tmp" "$out/var/lib/voicecore"

# What the kernel, its libraries and the plugins use: the Java SE modules, plus the JDK's own that libraries reach
# for (Unsafe, zip file systems for plugin jars, locale data for six languages, DNS, PKCS#11).
"$jdk/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.zipfs,jdk.management,jdk.localedata,jdk.charsets,jdk.crypto.cryptoki,jdk.naming.dns,jdk.net \
  --strip-debug --no-man-pages --no-header-files --output "$out/opt/java"

# The kernel is headless: no window system, no sound, no splash screen, and so none of their libraries.
rm -f "$out"/opt/java/lib/{libawt_xawt.so,libjsound.so,libsplashscreen.so}

# Every shared library the runtime's binaries and libraries load, at the path the dynamic loader looks for it.
find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 \
  | xargs -0 ldd 2>/dev/null \
  | awk '/=> \// {print $3} /^\t\/lib/ {print $1}' | grep -v "^$out" | sort -u \
  | while read -r lib; do
      mkdir -p "$out$(dirname "$lib")"
      cp -L "$lib" "$out$lib"
    done
# Name lookups (DNS, /etc/hosts) need nothing more with glibc 2.34 or newer, where they are part of libc.

printf 'root:x:0:0:root:/root:/sbin/nologin\nvoicecore:x:65532:65532:VoiceCore:/var/lib/voicecore:/sbin/nologin\n' > "$out/etc/passwd"
printf 'root:x:0:\nvoicecore:x:65532:\n' > "$out/etc/group"
echo "runtime for the image: $(du -sh "$out" | cut -f1) in $out"
