/**
 * Lua scripts of the event bus. Each one is a single atomic step on the server, so a crash or a
 * disconnect never leaves half of it done.
 */

/**
 * Idempotent publish. KEYS: events stream, dedup key. ARGV: envelope JSON, dedup TTL ms,
 * trim kind (MAXLEN | MINID | NONE), trim value (entries, or max age ms).
 * Returns {1, entryId} when appended, {0, entryId-of-the-original} for a duplicate.
 */
export const PUBLISH_SCRIPT = `
local existing = redis.call('GET', KEYS[2])
if existing then return {0, existing} end
local id
if ARGV[3] == 'MAXLEN' then
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], '*', 'envelope', ARGV[1])
elseif ARGV[3] == 'MINID' then
  local t = redis.call('TIME')
  local minId = string.format('%d', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[4]))
  id = redis.call('XADD', KEYS[1], 'MINID', '~', minId, '*', 'envelope', ARGV[1])
else
  id = redis.call('XADD', KEYS[1], '*', 'envelope', ARGV[1])
end
redis.call('SET', KEYS[2], id, 'PX', ARGV[2])
return {1, id}
`;

/**
 * Takes over entries idle too long and reports how often each was delivered.
 * KEYS: stream. ARGV: group, consumer, min idle ms, start id, count.
 * Returns {nextCursor, {{id, fields, deliveries}, ...}, deletedIds}.
 */
export const CLAIM_SCRIPT = `
local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 'COUNT', ARGV[5])
local out = {}
for _, e in ipairs(r[2]) do
  if e and e[1] then
    local p = redis.call('XPENDING', KEYS[1], ARGV[1], e[1], e[1], 1)
    local deliveries = 1
    if p[1] then deliveries = p[1][4] end
    out[#out + 1] = {e[1], e[2], deliveries}
  end
end
return {r[1], out, r[3] or {}}
`;

/**
 * Moves a pending entry to the dead-letter stream and acks it, in one step.
 * KEYS: source stream, dlq stream, last-error key. ARGV: group, entry id, envelope, error ('' = use
 * the recorded one), deliveries, consumer, failedAt ms. Returns the dead letter's id.
 */
export const DEAD_LETTER_SCRIPT = `
local err = ARGV[4]
if err == '' then err = redis.call('GET', KEYS[3]) or 'no error recorded: the consumer stopped while handling it' end
local id = redis.call('XADD', KEYS[2], '*', 'envelope', ARGV[3], 'group', ARGV[1], 'originalId', ARGV[2],
  'stream', KEYS[1], 'error', err, 'deliveries', ARGV[5], 'consumer', ARGV[6], 'failedAt', ARGV[7])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('DEL', KEYS[3])
return id
`;

/**
 * Replays a dead letter to its group's retry stream and removes it from the dead-letter stream.
 * KEYS: dlq stream, retry stream of the group. ARGV: dead letter id, group, retry stream max length.
 * Returns the retry entry id, or false when the dead letter is gone or belongs to another group.
 */
export const REPLAY_SCRIPT = `
local e = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #e == 0 then return false end
local f = e[1][2]
local m = {}
for i = 1, #f, 2 do m[f[i]] = f[i + 1] end
if m['group'] ~= ARGV[2] then return false end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'envelope', m['envelope'], 'replayOf', ARGV[1])
redis.call('XDEL', KEYS[1], ARGV[1])
return id
`;
