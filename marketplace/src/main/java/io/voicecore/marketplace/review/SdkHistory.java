package io.voicecore.marketplace.review;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.voicecore.kernel.plugins.verify.SdkApi;

/**
 * Which SDK each released kernel version ships, and the API of each of those SDK versions: what the
 * {@code compatibility} section checks a plugin against for every kernel its manifest admits. The bundled history is
 * two kinds of resource next to this class: {@code sdk-api/kernels.txt} (a line {@code KERNEL SDK} per kernel release)
 * and {@code sdk-api/<SDK>.txt}, the {@link SdkApi#listing() listing} of each SDK version.
 */
final class SdkHistory {
    static final String KERNELS = "sdk-api/kernels.txt";

    private final Map<String, String> sdkByKernel;
    private final Map<String, SdkApi> apis;

    /**
     * @param sdkByKernel the SDK version of each kernel version, in release order
     * @param apis        the API of each SDK version named there
     * @throws IllegalArgumentException when an SDK version has no API, or one of another version
     */
    SdkHistory(Map<String, String> sdkByKernel, Map<String, SdkApi> apis) {
        sdkByKernel.forEach((kernel, sdk) -> {
            SdkApi api = apis.get(sdk);
            if (api == null || !api.version().equals(sdk)) {
                throw new IllegalArgumentException("kernel " + kernel + " ships SDK " + sdk + ", whose API listing is missing");
            }
        });
        this.sdkByKernel = Collections.unmodifiableMap(new LinkedHashMap<>(sdkByKernel));
        this.apis = Map.copyOf(apis);
    }

    /** The history bundled with the marketplace. */
    static SdkHistory bundled() {
        return Bundled.HISTORY;
    }

    private static final class Bundled {
        static final SdkHistory HISTORY = read();

        private static SdkHistory read() {
            Map<String, String> sdkByKernel = new LinkedHashMap<>();
            Map<String, SdkApi> apis = new LinkedHashMap<>();
            resource(KERNELS).lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).forEach(line -> {
                String[] parts = line.split("\\s+");
                if (parts.length != 2) {
                    throw new IllegalStateException(KERNELS + ": '" + line + "' is not 'KERNEL-VERSION SDK-VERSION'");
                }
                sdkByKernel.put(parts[0], parts[1]);
                apis.computeIfAbsent(parts[1], sdk -> SdkApi.parse(resource(listingName(sdk))));
            });
            return new SdkHistory(sdkByKernel, apis);
        }
    }

    /** The resource name of an SDK version's listing. */
    static String listingName(String sdkVersion) {
        return "sdk-api/" + sdkVersion + ".txt";
    }

    /** A bundled resource's text. */
    static String resource(String name) {
        try (InputStream in = SdkHistory.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the marketplace has no resource " + name + " next to " + SdkHistory.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SDK version of each released kernel version, in release order. */
    Map<String, String> sdkByKernel() {
        return sdkByKernel;
    }

    /** The API of an SDK version some kernel ships. */
    SdkApi api(String sdkVersion) {
        SdkApi api = apis.get(sdkVersion);
        if (api == null) {
            throw new IllegalArgumentException("no released kernel ships SDK " + sdkVersion);
        }
        return api;
    }
}
