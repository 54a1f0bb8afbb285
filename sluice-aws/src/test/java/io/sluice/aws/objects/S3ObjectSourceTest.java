package io.sluice.aws.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.aws.events.ObjectRef;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * OBJ-1, OBJ-2: the S3 object source asks for exactly the version the event named (or, unversioned, the content
 * with the event's ETag), through the real SDK client; the HTTP exchange is answered in memory.
 */
class S3ObjectSourceTest {

    /** Records each request and answers with a fixed status and body. */
    static final class CannedHttp implements SdkHttpClient {
        final List<SdkHttpRequest> requests = new ArrayList<>();
        int status = 200;
        String body = "\"acme\",\"+442079460123\"\n";

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            requests.add(request.httpRequest());
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() {
                    byte[] bytes = (status == 200 ? body : "<Error><Code>PreconditionFailed</Code><Message>At least one of the "
                            + "pre-conditions you specified did not hold</Message></Error>").getBytes(StandardCharsets.UTF_8);
                    return HttpExecuteResponse.builder()
                            .response(SdkHttpResponse.builder().statusCode(status).putHeader("Content-Length", Integer.toString(bytes.length)).build())
                            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes))).build();
                }

                @Override
                public void abort() {
                }
            };
        }

        @Override
        public void close() {
        }
    }

    private static S3Client s3(CannedHttp http) {
        return S3Client.builder().httpClient(http).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x"))).build();
    }

    private static ObjectRef object(String version) {
        return new ObjectRef("sluice-cdr-incoming-123456789012", "incoming/2026/11/Master Nov.csv", 24, "5f2b8c1d", version, null,
                "ObjectCreated:Put", "eu-west-1");
    }

    @Test
    void aVersionedObjectIsReadAtTheEventsVersion() throws Exception {
        CannedHttp http = new CannedHttp();
        try (InputStream in = new S3ObjectSource(s3(http)).open(object("3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(http.body);
        }
        SdkHttpRequest r = http.requests.get(0);
        assertThat(r.encodedPath()).endsWith("/incoming/2026/11/Master%20Nov.csv");
        assertThat(r.rawQueryParameters().get("versionId")).containsExactly("3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY");
        assertThat(r.firstMatchingHeader("If-Match")).isEmpty();
    }

    @Test
    void anUnversionedObjectIsReadOnlyWithTheEventsETag() throws Exception {
        CannedHttp http = new CannedHttp();
        try (InputStream in = new S3ObjectSource(s3(http)).open(object(null))) {
            in.readAllBytes();
        }
        SdkHttpRequest r = http.requests.get(0);
        assertThat(r.rawQueryParameters()).doesNotContainKey("versionId");
        assertThat(r.firstMatchingHeader("If-Match")).isEqualTo(Optional.of("\"5f2b8c1d\""));
    }

    @Test
    void anObjectOverwrittenSinceItsEventFailsInsteadOfBeingReadUnderTheWrongIdentity() {
        CannedHttp http = new CannedHttp();
        http.status = 412;
        assertThatThrownBy(() -> new S3ObjectSource(s3(http)).open(object(null)))
                .isInstanceOf(S3Exception.class)
                .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(412));
    }
}
