package io.raet.keep;

/** Sample keep records used by the keep tests (keys from the spec's Appendix A and the reference vectors). */
final class Samples {
    static final String OTHER_VERHEX = "17cb79fb2b4120f2b1ec65e4198d6e08b28e813feb01e4a400839b85e18080ce";
    static final String OTHER_PUBHEX = "ff2ee45601ec1b67310c7790404585ae697331eee1c1f8cf2419731c1fff3e6b";
    static final String ALPHA_SIGHEX = "d0c8d86c15910188d654ce7b34f2fcdb16926d8c2677ee22183640f15abcbfc0";
    static final String ALPHA_VERHEX = "e8f5f83f5d66a6a3815b940cd4051d9f7bf1312bf8c31d4ce70b6d230d1e9010";
    static final String ALPHA_PRIHEX = "726b8541fa8dcef4e10f6cd4f1d0355de6c079519f82c4221b27e586fb2d9030";
    static final String ALPHA_PUBHEX = "d128cd64ab4953a8b61921e16da59eb2cd7f0aa97bafed4cca7629f08f35c833";
    static final String BETA_VERHEX = "c3cdb68d50bb1c3b35e9645dadeaa36a3b797d6028e698412b8a25ceda05f3e1";
    static final String BETA_PUBHEX = "0d863f6d1024bc06f49d9fe566cc83fb4cfd89a9df95e745e1552fa27892b115";

    /** Spec §10: main's view of "other" after the Appendix A run. */
    static final RemoteEstateData OTHER = new RemoteEstateData("other", 2, 2, new HostPort("127.0.0.1", 7531),
            null, null, "localhost", null, 2, false, 0, true, "other");
    static final RemoteRoleData OTHER_ROLE = new RemoteRoleData("other", Acceptance.ACCEPTED, OTHER_VERHEX, OTHER_PUBHEX);

    static final String OTHER_ESTATE_JSON = """
            {
              "name": "other",
              "uid": 2,
              "fuid": 2,
              "ha": [
                "127.0.0.1",
                7531
              ],
              "iha": null,
              "natted": null,
              "fqdn": "localhost",
              "dyned": null,
              "sid": 2,
              "main": false,
              "kind": 0,
              "joined": true,
              "role": "other"
            }""";

    static final String OTHER_ROLE_JSON = """
            {
              "role": "other",
              "acceptance": 1,
              "verhex": "17cb79fb2b4120f2b1ec65e4198d6e08b28e813feb01e4a400839b85e18080ce",
              "pubhex": "ff2ee45601ec1b67310c7790404585ae697331eee1c1f8cf2419731c1fff3e6b"
            }""";

    static final LocalEstateData MAIN = new LocalEstateData("main", 1, new HostPort("127.0.0.1", 7530), null, null,
            "localhost", null, 0, 2, new HostPort("", 7530), "main");

    static final String MAIN_ESTATE_JSON = """
            {
              "name": "main",
              "uid": 1,
              "ha": [
                "127.0.0.1",
                7530
              ],
              "iha": null,
              "natted": null,
              "fqdn": "localhost",
              "dyned": null,
              "sid": 0,
              "puid": 2,
              "aha": [
                "",
                7530
              ],
              "role": "main"
            }""";

    static final LocalRoleData MAIN_ROLE = new LocalRoleData("main", ALPHA_SIGHEX, ALPHA_PRIHEX);

    static final String MAIN_ROLE_JSON = """
            {
              "role": "main",
              "sighex": "d0c8d86c15910188d654ce7b34f2fcdb16926d8c2677ee22183640f15abcbfc0",
              "prihex": "726b8541fa8dcef4e10f6cd4f1d0355de6c079519f82c4221b27e586fb2d9030"
            }""";

    static RemoteEstateData remote(String name, long uid) {
        return new RemoteEstateData(name, uid, uid + 100, new HostPort("127.0.0.1", 7000 + (int) uid), null, null,
                "host-" + name, null, 1, false, 0, true, name);
    }

    private Samples() {}
}
