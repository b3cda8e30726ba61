package io.voicecore.marketplace.submissions;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.voicecore.kernel.http.Access;
import io.voicecore.kernel.http.ApiReply;
import io.voicecore.kernel.http.ApiRequest;
import io.voicecore.kernel.http.ApiRoutes;
import io.voicecore.kernel.http.Cursor;
import io.voicecore.marketplace.publishers.Publisher;
import io.voicecore.marketplace.publishers.Publishers;
import io.voicecore.marketplace.web.Bodies;
import io.voicecore.marketplace.web.PathIds;

/** {@code /api/v1/marketplace/publishers/{publisher}/submissions}: a publisher's signed jars and their review. */
public final class SubmissionRoutes {
    private static final String BASE = "/api/v1/marketplace/publishers/{publisher}/submissions";
    private static final Set<String> JAR_TYPES = new LinkedHashSet<>(List.of("application/java-archive", "application/octet-stream"));

    private final Publishers publishers;
    private final Submissions submissions;
    private final long maxJarBytes;

    public SubmissionRoutes(Publishers publishers, Submissions submissions, long maxJarBytes) {
        this.publishers = publishers;
        this.submissions = submissions;
        this.maxJarBytes = maxJarBytes;
    }

    public void register(ApiRoutes api) {
        api.post(BASE, Access.AUTHENTICATED, this::submit);
        api.get(BASE, Access.AUTHENTICATED, request -> {
            Publisher publisher = publishers.actingAs(request.pathParam("publisher"), request.principal());
            return ApiReply.ok(Map.of("items", submissions.ofPublisher(publisher, Cursor.limit(request)).stream()
                    .map(Submission::view).toList()));
        });
        api.get(BASE + "/{submission}", Access.AUTHENTICATED, request -> {
            Publisher publisher = publishers.actingAs(request.pathParam("publisher"), request.principal());
            return ApiReply.ok(submissions.ofPublisher(publisher, id(request.pathParam("submission"))).view());
        });
    }

    private ApiReply submit(ApiRequest request) {
        Publisher publisher = publishers.actingAs(request.pathParam("publisher"), request.principal());
        byte[] jar = Bodies.read(request, JAR_TYPES, "the plugin jar signed with jarsigner", maxJarBytes);
        Submission submission = submissions.submit(publisher, jar, request.principal());
        String location = "/api/v1/marketplace/publishers/" + publisher.id() + "/submissions/" + submission.id();
        Map<String, Object> view = submission.view();
        view.put("links", Map.of("self", location));
        return ApiReply.bytes(202, "application/json", io.voicecore.kernel.http.Json.write(view)).header("Location", location);
    }

    /** A submission id from the path; anything else names no submission. */
    public static UUID id(String text) {
        return PathIds.uuid(text, "submission-not-found", "submission");
    }
}
