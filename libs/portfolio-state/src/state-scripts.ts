/**
 * Lua scripts of the portfolio state. Each is one atomic step, so replicas applying updates at the
 * same time, a crash half-way or a redelivery never leave an order, its fills and the indexes that
 * feed positions out of step. Every step is a max (merge key) or a set insert, hence commutative
 * and idempotent: the final state is the same for any delivery order with duplicates.
 *
 * Positions are kept as totals (bought and sold quantity and value, the value in 1/10000 rupee so
 * sums stay exact) in `<position>:t`. Each order hash remembers its fill totals (`tq`/`tv` over its
 * executions, `cq`/`cv` its highest cumulative level), its side `sd`, the position it counts in
 * `pk` and what it counts there (`pq`/`pv`/`ps`); an apply moves the position by the difference,
 * so an update costs the same however many orders the position has. Orders and positions stored
 * before the totals existed are counted from their sets the first time they are touched.
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
-- Integers go to Redis as %d: the default number-to-string conversion may write large ones as 1e+15.
local function int(x)
  return string.format('%d', x)
end
-- Quantity × price in 1/10000 rupee, rounded the same way for every copy of a number.
local function units(q, price)
  return q * math.floor(price * 10000 + 0.5)
end
-- Counts an order's fills from its stored sets, once (orders stored before the totals existed).
local function counted(oh, tr, cp)
  if redis.call('HEXISTS', oh, 'n') == 1 then return end
  local tq, tv, cq, cv, side = 0, 0, 0, 0, false
  for _, j in ipairs(redis.call('HVALS', tr)) do
    local t = cjson.decode(j)
    tq = tq + t.quantity
    tv = tv + units(t.quantity, t.price)
    side = side or t.side
  end
  for _, j in ipairs(redis.call('HVALS', cp)) do
    local c = cjson.decode(j)
    if c.filled > cq then cq, cv = c.filled, units(c.filled, c.averagePrice) end
  end
  redis.call('HSET', oh, 'n', 1, 'tq', int(tq), 'tv', int(tv), 'cq', int(cq), 'cv', int(cv))
  local state = redis.call('HGET', oh, 'state')
  if state then redis.call('HSET', oh, 'sd', cjson.decode(state).side)
  elseif side then redis.call('HSETNX', oh, 'sd', side) end
end
-- What an order fills: the broker's authoritative source, or the other where it is ahead.
local function contribution(oh, auth)
  local f = redis.call('HMGET', oh, 'tq', 'tv', 'cq', 'cv', 'sd')
  local tq, tv, cq, cv = tonumber(f[1] or '0'), tonumber(f[2] or '0'), tonumber(f[3] or '0'), tonumber(f[4] or '0')
  if not f[5] then return 0, 0, false end
  if auth == 'trade' then
    if cq > tq then return cq, cv, f[5] end
    return tq, tv, f[5]
  end
  if tq > cq then return tq, tv, f[5] end
  return cq, cv, f[5]
end
local function move(pt, side, q, v)
  local s = side == 'BUY' and 'b' or 's'
  redis.call('HINCRBY', pt, s .. 'q', int(q))
  redis.call('HINCRBY', pt, s .. 'v', int(v))
end
-- Builds a position's totals from its orders, once (positions stored before the totals existed).
local function built(pt, po, base, auth)
  if redis.call('HEXISTS', pt, 'v') == 1 then return end
  redis.call('HSET', pt, 'bq', 0, 'bv', 0, 'sq', 0, 'sv', 0, 'v', 0)
  for _, id in ipairs(redis.call('SMEMBERS', po)) do
    local o = base .. id
    local oh = o .. ':h'
    counted(oh, o .. ':tr', o .. ':cp')
    local pk = redis.call('HGET', oh, 'pk')
    if (not pk) or pk == pt then
      local q, v, side = contribution(oh, auth)
      if side then move(pt, side, q, v) end
      redis.call('HSET', oh, 'pk', pt, 'pq', int(q), 'pv', int(v), 'ps', side or '')
    end
  end
end
-- Moves the order's position by what changed in its fills. Returns whether this position changed
-- and the units the order's fills count.
local function recount(oh, pt, auth)
  local q, v, side = contribution(oh, auth)
  local f = redis.call('HMGET', oh, 'pq', 'pv', 'ps', 'pk')
  local pq, pv, ps = tonumber(f[1] or '0'), tonumber(f[2] or '0'), f[3] or ''
  local key = f[4] or pt
  if q == pq and v == pv and (side or '') == ps then return false, q end
  if ps ~= '' then move(key, ps, -pq, -pv) end
  if side then move(key, side, q, v) end
  redis.call('HSET', oh, 'pk', key, 'pq', int(q), 'pv', int(v), 'ps', side or '')
  redis.call('HINCRBY', key, 'v', 1)
  return key == pt, q
end
local function totals(pt, ltp, changed)
  local t = redis.call('HMGET', pt, 'bq', 'bv', 'sq', 'sv', 'v')
  return {changed and 1 or 0, t[1] or '0', t[2] or '0', t[3] or '0', t[4] or '0', t[5] or '0', redis.call('GET', ltp) or ''}
end
`;

/**
 * Applies one broker state of an order (order.placed / order.updated / order.reconciled) and moves
 * its position by whatever that changed in the order's fills.
 * KEYS: 1 order hash, 2 timeline, 3 cumulative levels, 4 seen ids, 5 account orders, 6 accounts,
 *       7 position orders, 8 account positions, 9 position totals, 10 executions, 11 last price.
 * ARGV: 1 state JSON, 2 merge key JSON, 3 timeline entry JSON (an object), 4 event id,
 *       5 filled quantity, 6 level JSON ('' = no fill), 7 level time, 8 level average price,
 *       9 meta JSON ('' = none), 10 order id, 11 account member, 12 position member,
 *       13 timeline length, 14 '1' to merge the state, '0' to only record it (gateway said stale),
 *       15 side, 16 authoritative fill source ('trade' | 'cumulative'), 17 order key base.
 * Returns {verdict, previous state JSON or '', current state JSON, redelivery 0/1, level added 0/1,
 *          state replaced 0/1, meta JSON or '', units the order's fills count, position changed 0/1,
 *          bought qty, bought value, sold qty, sold value, position version, last price or ''}.
 */
export const APPLY_ORDER_SCRIPT = `${HELPERS}
-- Both before this update changes anything, so what it changes shows as a change.
counted(KEYS[1], KEYS[10], KEYS[3])
built(KEYS[9], KEYS[7], ARGV[17], ARGV[16])
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
if replace then redis.call('HSET', KEYS[1], 'state', ARGV[1], 'key', ARGV[2], 'sd', ARGV[15])
else redis.call('HSETNX', KEYS[1], 'sd', ARGV[15]) end
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
  if added == 1 then
    redis.call('HSET', KEYS[3], ARGV[5], ARGV[6])
    local filled = tonumber(ARGV[5])
    -- A new highest level, or another copy of it chosen over the one there.
    if filled >= tonumber(redis.call('HGET', KEYS[1], 'cq') or '0') then
      redis.call('HSET', KEYS[1], 'cq', int(filled), 'cv', int(units(filled, tonumber(ARGV[8]))))
    end
  end
end
redis.call('SADD', KEYS[5], ARGV[10])
redis.call('SADD', KEYS[6], ARGV[11])
redis.call('SADD', KEYS[7], ARGV[10])
redis.call('SADD', KEYS[8], ARGV[12])
local changed, filled = recount(KEYS[1], KEYS[9], ARGV[16])
timeline(KEYS[2], verdict, redelivery, ARGV[3], ARGV[13])
local current = redis.call('HGET', KEYS[1], 'state') or ''
local meta = redis.call('HGET', KEYS[1], 'meta') or ''
local out = {verdict, prevState or '', current, redelivery and 1 or 0, added, replace and 1 or 0, meta, filled}
for _, x in ipairs(totals(KEYS[9], KEYS[11], changed)) do out[#out + 1] = x end
return out
`;

/**
 * Records one execution (trade.executed), once per trade id, and moves its order's position by
 * whatever that changed in the order's fills.
 * KEYS: 1 executions, 2 timeline, 3 seen ids, 4 account orders, 5 accounts, 6 position orders,
 *       7 account positions, 8 position totals, 9 order hash, 10 cumulative levels, 11 last price.
 * ARGV: 1 trade id, 2 trade JSON, 3 timeline entry JSON, 4 event id, 5 order id, 6 account member,
 *       7 position member, 8 timeline length, 9 side, 10 authoritative fill source, 11 order key base,
 *       12 quantity, 13 price.
 * Returns {verdict ('new' | 'duplicate'), redelivery 0/1, execution changed 0/1, order state JSON or
 *          '', meta JSON or '', units the order's fills count, position changed 0/1, bought qty,
 *          bought value, sold qty, sold value, position version, last price or ''}.
 */
export const APPLY_TRADE_SCRIPT = `${HELPERS}
counted(KEYS[9], KEYS[1], KEYS[10])
built(KEYS[8], KEYS[6], ARGV[11], ARGV[10])
local redelivery = redis.call('SADD', KEYS[3], ARGV[4]) == 0
local existing = redis.call('HGET', KEYS[1], ARGV[1])
local verdict = 'new'
local changed = 0
local q, v = tonumber(ARGV[12]), units(tonumber(ARGV[12]), tonumber(ARGV[13]))
if existing then
  verdict = 'duplicate'
  -- Two copies of one execution that differ (e.g. exchange order id missing in one): keep a fixed one.
  if strcmp(ARGV[2], existing) > 0 then
    changed = 1
    local e = cjson.decode(existing)
    q, v = q - e.quantity, v - units(e.quantity, e.price)
  end
else
  changed = 1
end
if changed == 1 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('HINCRBY', KEYS[9], 'tq', int(q))
  redis.call('HINCRBY', KEYS[9], 'tv', int(v))
end
redis.call('HSETNX', KEYS[9], 'sd', ARGV[9])
redis.call('SADD', KEYS[4], ARGV[5])
redis.call('SADD', KEYS[5], ARGV[6])
redis.call('SADD', KEYS[6], ARGV[5])
redis.call('SADD', KEYS[7], ARGV[7])
local moved, filled = recount(KEYS[9], KEYS[8], ARGV[10])
timeline(KEYS[2], verdict, redelivery, ARGV[3], ARGV[8])
local order = redis.call('HMGET', KEYS[9], 'state', 'meta')
local out = {verdict, redelivery and 1 or 0, changed, order[1] or '', order[2] or '', filled}
for _, x in ipairs(totals(KEYS[8], KEYS[11], moved)) do out[#out + 1] = x end
return out
`;

/**
 * A position's totals (built from its orders first if they predate the totals) and last price.
 * KEYS: 1 position totals, 2 position orders, 3 last price. ARGV: 1 order key base,
 *       2 authoritative fill source.
 * Returns {0, bought qty, bought value, sold qty, sold value, version, last price or ''}.
 * Order keys are derived here (single Redis, not Cluster: documented in the README).
 */
export const READ_POSITION_SCRIPT = `${HELPERS}
built(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
return totals(KEYS[1], KEYS[3], false)
`;

/**
 * Reads one order: state, meta, executions, cumulative levels.
 * KEYS: 1 order hash, 2 trades, 3 levels. Returns {state or '', meta or '', {trades}, {levels}}.
 */
export const READ_ORDER_SCRIPT = `
return {redis.call('HGET', KEYS[1], 'state') or '', redis.call('HGET', KEYS[1], 'meta') or '',
  redis.call('HVALS', KEYS[2]), redis.call('HVALS', KEYS[3])}
`;
