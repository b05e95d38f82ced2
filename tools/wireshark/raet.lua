-- Wireshark dissector for RAET road packets (UDP): head, coat and foot, every head field named as on the wire.
--
-- Install: copy this file into Wireshark's personal Lua plugin folder (Help > About > Folders, e.g.
-- ~/.local/lib/wireshark/plugins/), or load it for one run: tshark -X lua_script:raet.lua -r capture.pcapng
--
-- Which datagrams are dissected: those on the UDP ports of the preference "raet.udp_ports" (default 7530-7560),
-- those chosen with Decode As (udp.port == N as RAET, or tshark -d udp.port==N,raet), and, through the heuristic
-- "raet_udp", any UDP datagram that starts like a RAET head ("ri RAET\n" or {"ri":"RAET",).
--
-- Filter fields are raet.<key> with the keys of the wire format: ri vn pk pl hk hl se de si ti tk dt oi sn sc ml
-- bk ck fk fl fg, the flags of fg as raet.vf raet.df raet.nf raet.af raet.sf raet.wf raet.bf raet.cf, and
-- raet.coat, raet.coat_length, raet.cipher, raet.nonce, raet.body, raet.body_text, raet.foot, raet.allow.*.
-- A field the head leaves out is shown with its default value, marked as generated.
-- Works with the Lua 5.2 of Wireshark 3.x/4.0 and the Lua 5.4 of later versions (no bit operators used).

local raet = Proto("raet", "RAET Road Protocol")

local PK = {
    [0] = "message", [1] = "ack", [2] = "nack", [3] = "resend", [4] = "request", [5] = "response",
    [6] = "hello", [7] = "cookie", [8] = "initiate", [9] = "unjoined", [10] = "unallowed", [11] = "renew",
    [12] = "refuse", [13] = "reject", [14] = "pend", [15] = "done",
}
local TK = { [0] = "message", [1] = "join", [2] = "bind", [3] = "allow", [4] = "alive" }
local HK = { [0] = "raet", [1] = "json", [2] = "binary" }
local BK = { [0] = "nada", [1] = "json", [2] = "raw", [3] = "msgpack" }
local CK = { [0] = "nada", [1] = "nacl", [2] = "crc16", [3] = "crc64" }
local FK = { [0] = "nada", [1] = "nacl", [2] = "sha2", [3] = "crc64" }

local f = {
    ri = ProtoField.string("raet.ri", "RAET id (ri)"),
    vn = ProtoField.uint32("raet.vn", "Version (vn)", base.DEC),
    pk = ProtoField.uint8("raet.pk", "Packet kind (pk)", base.DEC, PK),
    pl = ProtoField.uint32("raet.pl", "Packet length (pl)", base.DEC),
    hk = ProtoField.uint8("raet.hk", "Head kind (hk)", base.DEC, HK),
    hl = ProtoField.uint16("raet.hl", "Head length (hl)", base.DEC),
    se = ProtoField.uint32("raet.se", "Source estate id (se)", base.DEC),
    de = ProtoField.uint32("raet.de", "Destination estate id (de)", base.DEC),
    si = ProtoField.uint32("raet.si", "Session id (si)", base.DEC),
    ti = ProtoField.uint32("raet.ti", "Transaction id (ti)", base.DEC),
    tk = ProtoField.uint8("raet.tk", "Transaction kind (tk)", base.DEC, TK),
    dt = ProtoField.double("raet.dt", "Datetime stamp (dt)"),
    oi = ProtoField.uint64("raet.oi", "Order index (oi)", base.DEC),
    sn = ProtoField.uint32("raet.sn", "Segment number (sn)", base.DEC),
    sc = ProtoField.uint32("raet.sc", "Segment count (sc)", base.DEC),
    ml = ProtoField.uint32("raet.ml", "Message length (ml)", base.DEC),
    bk = ProtoField.uint8("raet.bk", "Body kind (bk)", base.DEC, BK),
    ck = ProtoField.uint8("raet.ck", "Coat kind (ck)", base.DEC, CK),
    fk = ProtoField.uint8("raet.fk", "Foot kind (fk)", base.DEC, FK),
    fl = ProtoField.uint16("raet.fl", "Foot length (fl)", base.DEC),
    fg = ProtoField.uint8("raet.fg", "Flags (fg)", base.HEX),
    vf = ProtoField.bool("raet.vf", "IPv6 flag (vf)"),
    df = ProtoField.bool("raet.df", "Dynamic-ip flag (df)"),
    nf = ProtoField.bool("raet.nf", "NAT flag (nf)"),
    af = ProtoField.bool("raet.af", "Again flag (af)"),
    sf = ProtoField.bool("raet.sf", "Segment flag (sf)"),
    wf = ProtoField.bool("raet.wf", "Wait flag (wf)"),
    bf = ProtoField.bool("raet.bf", "Broadcast flag (bf)"),
    cf = ProtoField.bool("raet.cf", "Correspondent flag (cf)"),
    head = ProtoField.bytes("raet.head", "Head"),
    coat = ProtoField.bytes("raet.coat", "Coat"),
    coat_length = ProtoField.uint32("raet.coat_length", "Coat length", base.DEC),
    cipher = ProtoField.bytes("raet.cipher", "Cipher (box of the body)"),
    nonce = ProtoField.bytes("raet.nonce", "Nonce"),
    body = ProtoField.bytes("raet.body", "Body"),
    body_text = ProtoField.string("raet.body_text", "Body (JSON)"),
    segment = ProtoField.string("raet.segment", "Segment"),
    foot = ProtoField.bytes("raet.foot", "Foot (Ed25519 signature)"),
    allow_plain = ProtoField.bytes("raet.allow.plain", "Hello plain"),
    allow_short_key = ProtoField.bytes("raet.allow.short_key", "Initiator short-term public key"),
    allow_cipher = ProtoField.bytes("raet.allow.cipher", "Cipher"),
    allow_nonce = ProtoField.bytes("raet.allow.nonce", "Nonce"),
    allow_oreo = ProtoField.bytes("raet.allow.oreo", "Cookie (oreo)"),
}
raet.fields = {
    f.ri, f.vn, f.pk, f.pl, f.hk, f.hl, f.se, f.de, f.si, f.ti, f.tk, f.dt, f.oi, f.sn, f.sc, f.ml, f.bk, f.ck,
    f.fk, f.fl, f.fg, f.vf, f.df, f.nf, f.af, f.sf, f.wf, f.bf, f.cf, f.head, f.coat, f.coat_length, f.cipher,
    f.nonce, f.body, f.body_text, f.segment, f.foot, f.allow_plain, f.allow_short_key, f.allow_cipher,
    f.allow_nonce, f.allow_oreo,
}

local ex = {
    malformed = ProtoExpert.new("raet.malformed", "Malformed RAET head", expert.group.MALFORMED,
        expert.severity.ERROR),
    length = ProtoExpert.new("raet.bad_length", "Length does not match the datagram", expert.group.MALFORMED,
        expert.severity.ERROR),
    field = ProtoExpert.new("raet.unknown_field", "Unknown head field", expert.group.MALFORMED,
        expert.severity.ERROR),
    kind = ProtoExpert.new("raet.unknown_kind", "Unknown kind code", expert.group.PROTOCOL, expert.severity.WARN),
    version = ProtoExpert.new("raet.bad_version", "Unsupported version", expert.group.PROTOCOL,
        expert.severity.WARN),
    foot = ProtoExpert.new("raet.bad_foot", "Foot does not match fk/fl", expert.group.MALFORMED,
        expert.severity.ERROR),
}
raet.experts = { ex.malformed, ex.length, ex.field, ex.kind, ex.version, ex.foot }

raet.prefs.udp_ports = Pref.range("UDP ports", "7530-7560", "UDP ports on which datagrams are RAET road packets",
    65535)

-- Head fields in the order of the wire format, with their defaults and how their values are read.
local ORDER = { "ri", "vn", "pk", "pl", "hk", "hl", "se", "de", "si", "ti", "tk", "dt", "oi", "sn", "sc", "ml",
    "bk", "ck", "fk", "fl", "fg" }
local DEFAULTS = { vn = 0, pk = 0, pl = 0, hk = 0, hl = 0, se = 0, de = 0, si = 0, ti = 0, tk = 0, dt = 0, oi = 0,
    sn = 0, sc = 1, ml = 0, bk = 0, ck = 0, fk = 0, fl = 0, fg = 0 }
local KINDS = { pk = PK, tk = TK, hk = HK, bk = BK, ck = CK, fk = FK }
local U32, U16, U8 = 4294967295, 65535, 255
local LIMIT = { vn = U32, pk = U8, pl = U32, hk = U8, hl = U16, se = U32, de = U32, si = U32, ti = U32, tk = U8,
    oi = 2 ^ 53, sn = U32, sc = U32, ml = U32, bk = U8, ck = U8, fk = U8, fl = U16, fg = U8 }
local FLAGS = { { "vf", 0x80 }, { "df", 0x40 }, { "nf", 0x20 }, { "af", 0x10 }, { "sf", 0x08 }, { "wf", 0x04 },
    { "bf", 0x02 }, { "cf", 0x01 } }
local FLAG_NAMES = { vf = true, df = true, nf = true, af = true, sf = true, wf = true, bf = true, cf = true }
local MAX_HEAD = 255
local RAET_PREFIX = "ri RAET\n"
local JSON_PREFIX = '{"ri":"RAET",'

local function bit(v, mask)
    return math.floor(v / mask) % 2 == 1
end

local function hexvalue(s)
    if s == nil or s == "" or not s:match("^[0-9a-fA-F]+$") or #s > 16 then
        return nil
    end
    return tonumber(s, 16)
end

-- The "key value" lines of a RAET head: { key, value, koff, voff } with offsets from the start of the datagram.
local function raet_items(text)
    local items, pos = {}, 0
    for line in (text .. "\n"):gmatch("([^\n]*)\n") do
        local key, value = line:match("^(%S+) (%S*)$")
        if key == nil then
            return items, string.format("head line '%s' is not 'key value'", line:sub(1, 40))
        end
        items[#items + 1] = { key = key, value = value, koff = pos, voff = pos + #key + 1, vlen = #value,
            json_string = nil }
        pos = pos + #line + 1
    end
    return items, nil
end

-- The members of a flat JSON head object: strings and numbers only, as the wire format has them.
local function json_items(text)
    local items, i, n = {}, 1, #text
    local function ws()
        while i <= n and text:sub(i, i):match("%s") do
            i = i + 1
        end
    end
    ws()
    if text:sub(i, i) ~= "{" then
        return items, "JSON head is not an object"
    end
    i = i + 1
    ws()
    if text:sub(i, i) == "}" then
        return items, nil
    end
    while true do
        ws()
        if text:sub(i, i) ~= '"' then
            return items, "JSON head: a member name was expected at byte " .. (i - 1)
        end
        local kend = text:find('"', i + 1, true)
        if kend == nil then
            return items, "JSON head: unterminated member name"
        end
        local item = { key = text:sub(i + 1, kend - 1), koff = i - 1 }
        i = kend + 1
        ws()
        if text:sub(i, i) ~= ":" then
            return items, "JSON head: ':' expected after \"" .. item.key .. "\""
        end
        i = i + 1
        ws()
        if text:sub(i, i) == '"' then
            local vend = text:find('"', i + 1, true)
            if vend == nil then
                return items, "JSON head: unterminated string"
            end
            item.value, item.json_string, item.voff, item.vlen = text:sub(i + 1, vend - 1), true, i, vend - i - 1
            i = vend + 1
        else
            local num = text:match("^-?[%d%.eE+-]+", i)
            if num == nil or tonumber(num) == nil then
                return items, "JSON head: value of \"" .. item.key .. "\" is not a string or number"
            end
            item.value, item.json_string, item.voff, item.vlen = num, false, i - 1, #num
            i = i + #num
        end
        items[#items + 1] = item
        ws()
        local c = text:sub(i, i)
        i = i + 1
        if c == "}" then
            break
        elseif c ~= "," then
            return items, "JSON head: ',' or '}' expected"
        end
    end
    ws()
    if i <= n then
        return items, "JSON head: text after the object"
    end
    return items, nil
end

-- Reads the value of one head item; returns the number (or string for ri) or nil and a problem.
local function item_value(item, hk)
    local key, value = item.key, item.value
    if key == "ri" then
        return value == "RAET" and value or nil, "ri is not RAET"
    end
    if key == "dt" then
        local d = tonumber(value)
        return d, "dt is not a number"
    end
    if hk == 1 and item.json_string ~= (key == "pl" or key == "hl" or key == "fg") then
        return nil, key .. (item.json_string and " must be a JSON number" or " must be a hex string")
    end
    if hk == 1 and not item.json_string then
        local v = tonumber(value)
        if v == nil or v < 0 or v ~= math.floor(v) then
            return nil, key .. " is not a non-negative integer"
        end
        return v, nil
    end
    local v = hexvalue(value)
    return v, key .. " value '" .. value:sub(1, 20) .. "' is not hex"
end

local function add_value(tree, key, range, value, generated)
    local item
    if key == "oi" then
        item = tree:add(f.oi, range, UInt64(value % 4294967296, math.floor(value / 4294967296)))
    else
        item = tree:add(f[key], range, value)
    end
    if generated then
        item:set_generated()
        item:append_text(" (default)")
    end
    return item
end

local function dissect(tvb, pinfo, tree)
    local len = tvb:reported_length_remaining()
    local caplen = tvb:len()
    local text = tvb:raw(0, math.min(caplen, MAX_HEAD))
    local hk, term
    if text:sub(1, #RAET_PREFIX) == RAET_PREFIX then
        hk, term = 0, "\n\n"
    elseif text:sub(1, #JSON_PREFIX) == JSON_PREFIX then
        hk, term = 1, "\r\n\r\n"
    end

    pinfo.cols.protocol = "RAET"
    local root = tree:add(raet, tvb(), "RAET Road Protocol")
    if hk == nil then
        root:add_proto_expert_info(ex.malformed, "unrecognizable packet head")
        pinfo.cols.info = "RAET [unrecognizable packet head]"
        return caplen
    end
    local tpos = text:find(term, 1, true)
    if tpos == nil then
        root:add_proto_expert_info(ex.malformed, len > MAX_HEAD and ("no head terminator within " .. MAX_HEAD
            .. " bytes") or "no head terminator")
        pinfo.cols.info = "RAET [no head terminator]"
        return caplen
    end
    local headlen = tpos - 1 + #term
    local headtree = root:add(f.head, tvb(0, headlen))
    headtree:set_text(string.format("Head (%s, %d bytes)", HK[hk], headlen))

    local items, problem
    if hk == 0 then
        items, problem = raet_items(text:sub(1, tpos - 1))
    else
        items, problem = json_items(text:sub(1, tpos - 1))
    end
    local values, seen = {}, {}
    for _, item in ipairs(items) do
        local key = item.key
        local krange = tvb(item.koff, math.max(item.voff + item.vlen - item.koff, 1))
        if DEFAULTS[key] == nil and key ~= "ri" then
            local why = FLAG_NAMES[key] and ("flag '" .. key .. "' as a head field (flags are carried only by fg)")
                or ("unknown head field '" .. key:sub(1, 20) .. "'")
            headtree:add(krange, key .. " " .. item.value):add_proto_expert_info(ex.field, why)
        elseif seen[key] then
            headtree:add(krange, key .. " " .. item.value):add_proto_expert_info(ex.malformed,
                "head field '" .. key .. "' repeated")
        else
            seen[key] = true
            local v, why = item_value(item, hk)
            if v == nil then
                headtree:add(krange, key .. " " .. item.value):add_proto_expert_info(ex.malformed, why)
            elseif LIMIT[key] ~= nil and v > LIMIT[key] then
                headtree:add(krange, key .. " " .. item.value):add_proto_expert_info(ex.malformed,
                    "head field " .. key .. " = " .. string.format("%.0f", v) .. " is out of range")
            else
                values[key] = v
                item.range = krange
            end
        end
    end
    if problem ~= nil then
        headtree:add_proto_expert_info(ex.malformed, problem)
    end

    -- every field, in wire order; the absent ones with their defaults
    local byKey = {}
    for _, item in ipairs(items) do
        if item.range ~= nil then
            byKey[item.key] = item
        end
    end
    for _, key in ipairs(ORDER) do
        local item = byKey[key]
        if key == "ri" then
            if item ~= nil then
                headtree:add(f.ri, item.range, "RAET")
            end
        elseif key == "fg" then
            local fg = values.fg or 0
            local fgitem = add_value(headtree, "fg", item and item.range or tvb(0, 0), fg, item == nil)
            local names = {}
            for _, flag in ipairs(FLAGS) do
                local on = bit(fg, flag[2])
                local fi = fgitem:add(f[flag[1]], item and item.range or tvb(0, 0), on)
                if item == nil then
                    fi:set_generated()
                end
                if on then
                    names[#names + 1] = flag[1]
                end
            end
            if #names > 0 then
                fgitem:append_text(" (" .. table.concat(names, ", ") .. ")")
            end
        else
            local v = values[key]
            if v == nil then
                v = DEFAULTS[key]
            end
            values[key] = v
            local it = add_value(headtree, key, item and item.range or tvb(0, 0), v, item == nil)
            if KINDS[key] ~= nil and KINDS[key][v] == nil then
                it:add_proto_expert_info(ex.kind, "unknown " .. key .. " code " .. v)
            end
        end
    end

    -- the checks of the outer parse
    if values.hk ~= hk then
        headtree:add_proto_expert_info(ex.malformed, "head field hk = " .. values.hk
            .. " does not match the detected head kind " .. HK[hk])
    end
    if values.hl ~= headlen then
        headtree:add_proto_expert_info(ex.length, "head field hl = " .. values.hl .. " but the head is "
            .. headlen .. " bytes")
    end
    if values.pl ~= len then
        headtree:add_proto_expert_info(ex.length, "head field pl = " .. values.pl .. " but the datagram is "
            .. len .. " bytes")
    end
    if values.vn ~= 0 then
        headtree:add_proto_expert_info(ex.version, "unsupported version vn = " .. values.vn)
    end
    if values.sc < 1 then
        headtree:add_proto_expert_info(ex.malformed, "segment count sc = 0")
    end
    local fl = values.fl
    if values.fk == 1 and fl ~= 64 then
        headtree:add_proto_expert_info(ex.foot, "fk 1 (nacl) needs fl = 64, not " .. fl)
    elseif values.fk ~= 1 and fl ~= 0 then
        headtree:add_proto_expert_info(ex.foot, "fk " .. values.fk .. " needs fl = 0, not " .. fl)
    end

    -- coat, body and foot
    if fl > caplen - headlen then
        root:add_proto_expert_info(ex.foot, "datagram too short for its " .. fl .. "-byte foot")
        fl = 0
    end
    local coatlen = caplen - headlen - fl
    local cl = root:add(f.coat_length, tvb(headlen, 0), coatlen)
    cl:set_generated()
    local sf, sn, sc = bit(values.fg, 0x08), values.sn, values.sc
    if sc > 1 or sf then
        root:add(f.segment, tvb(headlen, 0), string.format("%d of %d, message coat of %d bytes", sn + 1, sc,
            values.ml)):set_generated()
    end
    if coatlen > 0 then
        local coat = tvb(headlen, coatlen)
        local ctree = root:add(f.coat, coat)
        ctree:set_text(string.format("Coat (%s, %d bytes)", CK[values.ck] or tostring(values.ck), coatlen))
        local whole = not sf and sc <= 1
        if values.ck == 1 then
            -- box(body) || nonce; a segmented message's coat is split after encryption: the nonce ends the last one
            if coatlen >= 24 and (whole or sn == sc - 1) then
                ctree:add(f.cipher, tvb(headlen, coatlen - 24))
                ctree:add(f.nonce, tvb(headlen + coatlen - 24, 24))
            else
                ctree:add(f.cipher, coat)
            end
        elseif values.ck == 0 and whole then
            local btree = ctree:add(f.body, coat)
            if values.bk == 1 then
                btree:add(f.body_text, coat, coat:string())
                local ok, json = pcall(Dissector.get, "json")
                if ok and json ~= nil then
                    pcall(function() json:call(coat:tvb(), pinfo, btree) end)
                end
            elseif values.bk == 3 then
                local ok, msgpack = pcall(Dissector.get, "msgpack")
                if ok and msgpack ~= nil then
                    pcall(function() msgpack:call(coat:tvb(), pinfo, btree) end)
                end
            elseif values.bk == 2 and values.tk == 3 then
                local function part(field, off, n)
                    btree:add(field, tvb(headlen + off, n))
                end
                if values.pk == 6 and coatlen == 200 then
                    part(f.allow_plain, 0, 64)
                    part(f.allow_short_key, 64, 32)
                    part(f.allow_cipher, 96, 80)
                    part(f.allow_nonce, 176, 24)
                elseif values.pk == 7 and coatlen == 104 then
                    part(f.allow_cipher, 0, 80)
                    part(f.allow_nonce, 80, 24)
                elseif values.pk == 8 and coatlen == 328 then
                    part(f.allow_short_key, 0, 32)
                    part(f.allow_oreo, 32, 24)
                    part(f.allow_cipher, 56, 248)
                    part(f.allow_nonce, 304, 24)
                end
            end
        end
    end
    if fl > 0 then
        root:add(f.foot, tvb(caplen - fl, fl))
    end

    local flags = {}
    for _, flag in ipairs(FLAGS) do
        if bit(values.fg, flag[2]) then
            flags[#flags + 1] = flag[1]
        end
    end
    local info = string.format("%s %s se=%d de=%d si=%d ti=%d", TK[values.tk] or ("tk " .. values.tk),
        PK[values.pk] or ("pk " .. values.pk), values.se, values.de, values.si, values.ti)
    if sc > 1 or sf then
        info = info .. string.format(" seg %d/%d", sn + 1, sc)
    end
    if #flags > 0 then
        info = info .. " [" .. table.concat(flags, " ") .. "]"
    end
    if values.hk == 1 then
        info = info .. " (JSON head)"
    end
    pinfo.cols.info = info
    pinfo.cols.protocol = "RAET" -- again: a body dissector may have set its own
    root:append_text(string.format(", %s %s, %d bytes", TK[values.tk] or "?", PK[values.pk] or "?", len))
    return caplen
end

function raet.dissector(tvb, pinfo, tree)
    return dissect(tvb, pinfo, tree)
end

local function heuristic(tvb, pinfo, tree)
    local n = tvb:len()
    if n >= #RAET_PREFIX and tvb:raw(0, #RAET_PREFIX) == RAET_PREFIX
            or n >= #JSON_PREFIX and tvb:raw(0, #JSON_PREFIX) == JSON_PREFIX then
        dissect(tvb, pinfo, tree)
        return true
    end
    return false
end

local udp_port = DissectorTable.get("udp.port")
local registered_ports = ""

local function register_ports()
    if registered_ports ~= "" then
        udp_port:remove(registered_ports, raet)
    end
    registered_ports = raet.prefs.udp_ports or ""
    if registered_ports ~= "" then
        udp_port:add(registered_ports, raet)
    end
end

function raet.prefs_changed()
    if (raet.prefs.udp_ports or "") ~= registered_ports then
        register_ports()
    end
end

register_ports()
udp_port:add_for_decode_as(raet)
raet:register_heuristic("udp", heuristic)
