package io.raet.keep;

/**
 * The local estate, file {@code local/estate.json}; fields and their order are the reference's
 * {@code name, uid, ha, iha, natted, fqdn, dyned, sid, puid, aha, role}.
 *
 * @param name  local estate name (a valid {@link KeepNames name})
 * @param uid   local uid, 0..2^32-1
 * @param ha    host address of the estate
 * @param iha   internal host address, unused by the protocol; may be null
 * @param natted NAT flag placeholder, unused by the protocol; may be null
 * @param fqdn  fully qualified domain name (may be empty)
 * @param dyned dynamic-address flag placeholder, unused by the protocol; may be null
 * @param sid   local session id field, 0..2^32-1
 * @param puid  uid allocation counter, 0..2^32-1
 * @param aha   address the socket binds to (host may be {@code ""})
 * @param role  local role (a valid name)
 */
public record LocalEstateData(
        String name,
        long uid,
        HostPort ha,
        HostPort iha,
        Boolean natted,
        String fqdn,
        Boolean dyned,
        long sid,
        long puid,
        HostPort aha,
        String role) {
    /**
     * Checks every field.
     *
     * @throws KeepException naming the first field that is not valid
     */
    public LocalEstateData {
        KeepNames.require("name", name);
        Checks.u32("uid", uid);
        Checks.notNull("ha", ha);
        Checks.text("fqdn", fqdn);
        Checks.u32("sid", sid);
        Checks.u32("puid", puid);
        Checks.notNull("aha", aha);
        KeepNames.require("role", role);
    }
}
