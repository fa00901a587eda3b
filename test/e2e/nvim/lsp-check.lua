-- memslot's language server driven by a third-party LSP client: headless Neovim (0.7+, Debian's).
--   MEMSLOT_SERVER="node dist/server.js --stdio" nvim --headless --clean -n \
--     -c "luafile test/e2e/nvim/lsp-check.lua" test/fixtures/e2e-ws/qemu/bad-size.sh
-- (run.sh does this). Prints PASS/FAIL lines and `N passed, N failed`; exits 0 or 1.
-- Everything runs inside pcall: an uncaught Lua error in headless nvim waits for a key forever.
local cmd = vim.split(os.getenv('MEMSLOT_SERVER') or 'node dist/server.js --stdio', ' ', { trimempty = true })
local timeout = tonumber(os.getenv('LSP_TIMEOUT_MS') or '15000')
local passed, failed = 0, 0

local function say(line) io.stdout:write(line .. '\n') end
local function check(name, ok, detail)
  if ok then passed = passed + 1 else failed = failed + 1 end
  say((ok and 'PASS ' or 'FAIL ') .. name .. (detail and (': ' .. tostring(detail)) or ''))
end

local function code_of(d)
  if d.code then return tostring(d.code) end
  local lsp = d.user_data and d.user_data.lsp
  return lsp and lsp.code and tostring(lsp.code) or nil
end
local function find_diagnostic(bufnr, code)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if code_of(d) == code then return d end
  end
end
local function wait_for_diagnostic(bufnr, code)
  vim.wait(timeout, function() return find_diagnostic(bufnr, code) ~= nil end, 20)
  return find_diagnostic(bufnr, code)
end
-- 0-based (line, column) of the first `needle` in the buffer, found as plain text: the expected
-- ranges come from what the fixture says, not from running memslot.
local function locate(bufnr, needle, after)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local from = 1
    if after then from = line:find(after, 1, true) end
    if from then
      local s = line:find(needle, from, true)
      if s then return i - 1, s - 1 end
    end
  end
end

local ok, err = pcall(function()
  local client_id = vim.lsp.start_client({
    name = 'memslot',
    cmd = cmd,
    root_dir = vim.fn.getcwd(),
    on_exit = function(code) if code ~= 0 then say('server exited with code ' .. code) end end,
  })
  local started = client_id ~= nil and vim.wait(timeout, function()
    local client = vim.lsp.get_client_by_id(client_id)
    return client ~= nil and client.initialized == true
  end, 20)
  check('the server starts and answers initialize', started, table.concat(cmd, ' '))
  if not started then return end

  -- 1. bad size
  local bad = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(bad, client_id)
  local d = wait_for_diagnostic(bad, 'MS902')
  check('MS902 is published for "-m 4X"', d ~= nil, d and d.message)
  local line, col = locate(bad, '4X', '-m ')
  check('its range is exactly "4X"', d ~= nil and d.lnum == line and d.col == col and d.end_lnum == line and d.end_col == col + 2,
    d and string.format('%d:%d-%d:%d, expected %d:%d-%d:%d', d.lnum, d.col, d.end_lnum, d.end_col, line, col, line, col + 2))

  -- 2. unterminated quote, in a second buffer
  vim.cmd('edit ' .. vim.fn.fnameescape(vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bad), ':h') .. '/unterminated.sh'))
  local unterminated = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(unterminated, client_id)
  local q = wait_for_diagnostic(unterminated, 'MS901')
  local qline, qcol = locate(unterminated, '"', '-name')
  check('MS901 starts at the unterminated quote', q ~= nil and q.lnum == qline and q.col == qcol,
    q and string.format('%d:%d, expected %d:%d', q.lnum, q.col, qline, qcol))

  -- 3. editing the text (didChange) makes the server drop the diagnostic
  vim.api.nvim_buf_set_text(bad, line, col, line, col + 2, { '4G' })
  local cleared = d ~= nil and vim.wait(timeout, function() return find_diagnostic(bad, 'MS902') == nil end, 20)
  check('fixing "4X" to "4G" clears MS902', cleared)

  -- 4. hover and quick fix on the refused device of refused-order.sh (docs/facts/test-vectors.md
  --    T6: its directive limits the vhost-user back-end to 32 slots).
  vim.cmd('edit ' .. vim.fn.fnameescape(vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bad), ':h') .. '/refused-order.sh'))
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, client_id)
  local m = wait_for_diagnostic(buf, 'MS001')
  local dline, dcol = locate(buf, '-device vhost-user-fs-pci')
  check('MS001 starts at the refused vhost-user device', m ~= nil and m.lnum == dline and m.col == dcol,
    m and string.format('%d:%d, expected %d:%d', m.lnum, m.col, dline, dcol))

  local replies = vim.lsp.buf_request_sync(buf, 'textDocument/hover',
    { textDocument = vim.lsp.util.make_text_document_params(buf), position = { line = dline, character = dcol } }, timeout) or {}
  local text
  for _, r in pairs(replies) do
    local c = r.result and r.result.contents
    if c then text = type(c) == 'string' and c or c.value end
  end
  check('the hover shows the breakdown (names vm0 and the limit 32)',
    text ~= nil and text:find('vm0', 1, true) ~= nil and text:find('%f[%d]32%f[%D]') ~= nil,
    text and text:sub(1, 120):gsub('\n', ' '))

  local fix
  if m then
    -- 0.7's user_data keeps only the code: rebuild the LSP diagnostic to send it back.
    local range = { start = { line = m.lnum, character = m.col }, ['end'] = { line = m.end_lnum, character = m.end_col } }
    local actions = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', {
      textDocument = vim.lsp.util.make_text_document_params(buf), range = range,
      context = { diagnostics = { { range = range, message = m.message, severity = m.severity, code = 'MS001', source = 'memslot' } }, only = { 'quickfix' } },
    }, timeout) or {}
    for _, r in pairs(actions) do
      for _, a in ipairs(r.result or {}) do if a.edit and a.isPreferred then fix = a end end
    end
  end
  if fix then vim.lsp.util.apply_workspace_edit(fix.edit, 'utf-16') end
  local moved_line = locate(buf, '-device vhost-user-fs-pci')
  local deciding_line = locate(buf, '-device virtio-mem-pci')
  local gone = fix ~= nil and vim.wait(timeout, function() return find_diagnostic(buf, 'MS001') == nil end, 20)
  check('the preferred quick fix moves the device before virtio-mem and MS001 goes away',
    gone and moved_line ~= nil and deciding_line ~= nil and moved_line < deciding_line, fix and fix.title)

  vim.lsp.stop_client(client_id)
end)
if not ok then check('script error', false, err) end
say(string.format('%d passed, %d failed', passed, failed))
vim.cmd((failed == 0 and passed > 0) and 'qall!' or 'cquit!')
