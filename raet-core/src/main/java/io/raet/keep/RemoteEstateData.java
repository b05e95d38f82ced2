package io.raet.keep;

/**
 * One remote estate, file {@code remote/estate.<name>.json}; fields and their order are the reference's
 * {@code name, uid, fuid, ha, iha, natted, fqdn, dyned, sid, main, kind, joined, role}.
 *
 * @param name   remote estate name (a valid {@link KeepNames name}; it is the file name)
 * @param uid    this stack's uid for the remote (nuid), 0..2^32-1
 * @param fuid   the remote's uid for this stack, 0..2^32-1 (0 until learned)
 * @param ha     the remote's host address
 * @param iha    placeholder, may be null
 * @param natted placeholder, may be null
 * @param fqdn   the remote's fqdn (may be empty)
 * @param dyned  placeholder, may be null
 * @param sid    session id this stack uses toward the remote, 0..2^32-1
 * @param main   remote is a main estate
 * @param kind   application kind, 0..255
 * @param joined join status: true, false or null (unknown)
 * @param role   the remote's role (a valid name)
 */
public record RemoteEstateData(
        String name,
        long uid,
        long fuid,
        HostPort ha,
        HostPort iha,
        Boolean natted,
        String fqdn,
        Boolean dyned,
        long sid,
        boolean main,
        int kind,
        Boolean joined,
        String role) {
    /**
     * Checks every field.
     *
     * @throws KeepException naming the first field that is not valid
     */
    public RemoteEstateData {
        KeepNames.require("name", name);
        Checks.u32("uid", uid);
        Checks.u32("fuid", fuid);
        Checks.notNull("ha", ha);
        Checks.text("fqdn", fqdn);
        Checks.u32("sid", sid);
        Checks.u8("kind", kind);
        KeepNames.require("role", role);
    }
}
