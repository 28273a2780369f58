/**
 * Lua scripts of the portfolio state. Each is one atomic step, so replicas applying updates at the
 * same time, a crash half-way or a redelivery never leave an order, its fills and the indexes that
 * feed positions out of step. Every step is a max (merge key) or a set insert, hence commutative
 * and idempotent: the final state is the same for any delivery order with duplicates.
 */

/** Bytewise string comparison: Lua's `<` on strings follows the server's locale (strcoll). */
const HELPERS = `
local function strcmp(a, b)
  if a == b then return 0 end
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then if x < y then return -1 else return 1 end end
  end
  if #a < #b then return -1 else return 1 end
end
local function cmpkey(a, b)
  for i = 1, 6 do
    if a[i] ~= b[i] then if a[i] < b[i] then return -1 else return 1 end end
  end
  return strcmp(a[7], b[7])
end
local function timeline(key, verdict, redelivery, entry, max)
  local head = '{"verdict":"' .. verdict .. '","redelivery":' .. (redelivery and 'true' or 'false') .. ','
  redis.call('RPUSH', key, head .. string.sub(entry, 2))
  redis.call('LTRIM', key, -tonumber(max), -1)
end
`;

/**
 * Applies one broker state of an order (order.placed / order.updated / order.reconciled). Whatever
 * changes the order's fills (its state, a cumulative level) bumps the order hash's fill version `fv`.
 * KEYS: 1 order hash, 2 timeline, 3 cumulative levels, 4 seen ids, 5 account orders, 6 accounts,
 *       7 position orders, 8 account positions, 9 position version.
 * ARGV: 1 state JSON, 2 merge key JSON, 3 timeline entry JSON (an object), 4 event id,
 *       5 filled quantity, 6 level JSON ('' = no fill), 7 level time, 8 level average price,
 *       9 meta JSON ('' = none), 10 order id, 11 account member, 12 position member,
 *       13 timeline length, 14 '1' to merge the state, '0' to only record it (gateway said stale).
 * Returns {verdict, previous state JSON or '', current state JSON, redelivery 0/1, level added 0/1,
 *          state replaced 0/1, position version}.
 */
export const APPLY_ORDER_SCRIPT = `${HELPERS}
local redelivery = redis.call('SADD', KEYS[4], ARGV[4]) == 0
local prevState = redis.call('HGET', KEYS[1], 'state')
local prevKey = redis.call('HGET', KEYS[1], 'key')
local incoming = cjson.decode(ARGV[2])
local verdict = 'new'
local replace = false
if prevState then
  local current = cjson.decode(prevKey)
  local c = cmpkey(incoming, current)
  if c > 0 then verdict = 'newer' elseif c < 0 then verdict = 'stale' else verdict = 'duplicate' end
  if verdict == 'newer' or (verdict == 'duplicate' and strcmp(incoming[8], current[8]) > 0) then replace = true end
else
  replace = true
end
if ARGV[14] ~= '1' then
  replace = false
  verdict = 'recorded'
end
if replace then redis.call('HSET', KEYS[1], 'state', ARGV[1], 'key', ARGV[2]) end
if ARGV[9] ~= '' then
  local meta = redis.call('HGET', KEYS[1], 'meta')
  if (not meta) or strcmp(ARGV[9], meta) > 0 then redis.call('HSET', KEYS[1], 'meta', ARGV[9]) end
end
local added = 0
if ARGV[6] ~= '' then
  local existing = redis.call('HGET', KEYS[3], ARGV[5])
  if not existing then
    added = 1
  else
    local e = cjson.decode(existing)
    local t, avg = tonumber(ARGV[7]), tonumber(ARGV[8])
    if t < e.time or (t == e.time and avg < e.averagePrice) then added = 1 end
  end
  if added == 1 then redis.call('HSET', KEYS[3], ARGV[5], ARGV[6]) end
end
redis.call('SADD', KEYS[5], ARGV[10])
redis.call('SADD', KEYS[6], ARGV[11])
redis.call('SADD', KEYS[7], ARGV[10])
redis.call('SADD', KEYS[8], ARGV[12])
local version
if added == 1 or replace then
  version = redis.call('INCR', KEYS[9])
  redis.call('HINCRBY', KEYS[1], 'fv', 1)
else
  version = tonumber(redis.call('GET', KEYS[9]) or '0')
end
timeline(KEYS[2], verdict, redelivery, ARGV[3], ARGV[13])
local current = redis.call('HGET', KEYS[1], 'state') or ''
return {verdict, prevState or '', current, redelivery and 1 or 0, added, replace and 1 or 0, version}
`;

/**
 * Records one execution (trade.executed), once per trade id; a new or changed one bumps the order's
 * fill version `fv`.
 * KEYS: 1 trades hash, 2 timeline, 3 seen ids, 4 account orders, 5 accounts, 6 position orders,
 *       7 account positions, 8 position version, 9 order hash.
 * ARGV: 1 trade id, 2 trade JSON, 3 timeline entry JSON, 4 event id, 5 order id, 6 account member,
 *       7 position member, 8 timeline length.
 * Returns {verdict ('new' | 'duplicate'), redelivery 0/1, changed 0/1, position version}.
 */
export const APPLY_TRADE_SCRIPT = `${HELPERS}
local redelivery = redis.call('SADD', KEYS[3], ARGV[4]) == 0
local existing = redis.call('HGET', KEYS[1], ARGV[1])
local verdict = 'new'
local changed = 0
if existing then
  verdict = 'duplicate'
  -- Two copies of one execution that differ (e.g. exchange order id missing in one): keep a fixed one.
  if strcmp(ARGV[2], existing) > 0 then changed = 1 end
else
  changed = 1
end
if changed == 1 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
redis.call('SADD', KEYS[4], ARGV[5])
redis.call('SADD', KEYS[5], ARGV[6])
redis.call('SADD', KEYS[6], ARGV[5])
redis.call('SADD', KEYS[7], ARGV[7])
local version
if changed == 1 then
  version = redis.call('INCR', KEYS[8])
  redis.call('HINCRBY', KEYS[9], 'fv', 1)
else
  version = tonumber(redis.call('GET', KEYS[8]) or '0')
end
timeline(KEYS[2], verdict, redelivery, ARGV[3], ARGV[8])
return {verdict, redelivery and 1 or 0, changed, version}
`;

/**
 * Reads everything a position is computed from, in one consistent snapshot, except what the caller
 * already has: ARGV pairs (order id, fill version) it holds fills for come back as {id, fv} only.
 * KEYS: 1 position orders, 2 position version. ARGV: 1 order key base ('<root>:o:<broker>:<account>:'),
 *       then order id, fill version, order id, fill version, …
 * Returns {version, {orderId, fv} or {orderId, fv, state or '', {trade JSON...}, {level JSON...}}...}.
 * Order keys are derived here (single Redis, not Cluster: documented in the README).
 */
export const READ_POSITION_SCRIPT = `
local version = tonumber(redis.call('GET', KEYS[2]) or '0')
local known = {}
for i = 2, #ARGV - 1, 2 do known[ARGV[i]] = ARGV[i + 1] end
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local base = ARGV[1] .. id
  local fv = redis.call('HGET', base .. ':h', 'fv') or '0'
  if known[id] == fv then
    out[#out + 1] = {id, fv}
  else
    out[#out + 1] = {id, fv, redis.call('HGET', base .. ':h', 'state') or '',
      redis.call('HVALS', base .. ':tr'), redis.call('HVALS', base .. ':cp')}
  end
end
return {version, out}
`;

/**
 * Stores a computed position unless a newer one (higher version) is there already.
 * KEYS: 1 snapshot hash. ARGV: 1 version, 2 position JSON. Returns 1 when stored.
 */
export const SAVE_POSITION_SCRIPT = `
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '-1')
if tonumber(ARGV[1]) > v then
  redis.call('HSET', KEYS[1], 'v', ARGV[1], 'json', ARGV[2])
  return 1
end
return 0
`;

/**
 * Reads one order: state, meta, executions, cumulative levels.
 * KEYS: 1 order hash, 2 trades, 3 levels. Returns {state or '', meta or '', {trades}, {levels}}.
 */
export const READ_ORDER_SCRIPT = `
return {redis.call('HGET', KEYS[1], 'state') or '', redis.call('HGET', KEYS[1], 'meta') or '',
  redis.call('HVALS', KEYS[2]), redis.call('HVALS', KEYS[3])}
`;
