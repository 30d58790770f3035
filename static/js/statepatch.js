// Applies a `state_patch`'s operations (RFC 6902 add/replace/remove, made by the server's
// workshop/statepatch.py) to a snapshot. The snapshot is not changed: the objects on the
// changed paths are copied, everything else is shared, so the page sees a new state.

export class PatchError extends Error {}

const unescape = (token) => token.replace(/~1/g, "/").replace(/~0/g, "~");
const has = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);

function set(node, tokens, op) {
  const [token, ...rest] = tokens;
  if (Array.isArray(node)) {
    const copy = node.slice();
    if (!rest.length && op.op === "add" && token === "-") {
      copy.push(op.value);
      return copy;
    }
    const limit = node.length + (op.op === "add" && !rest.length ? 1 : 0);
    if (!/^\d+$/.test(token) || Number(token) >= limit) throw new PatchError(`no index ${token}`);
    const index = Number(token);
    if (rest.length) copy[index] = set(node[index], rest, op);
    else if (op.op === "remove") copy.splice(index, 1);
    else if (op.op === "add") copy.splice(index, 0, op.value);
    else copy[index] = op.value;
    return copy;
  }
  if (node !== null && typeof node === "object") {
    const copy = { ...node };
    if (rest.length) {
      if (!has(node, token)) throw new PatchError(`no key ${token}`);
      copy[token] = set(node[token], rest, op);
    } else if (op.op === "remove" || op.op === "replace") {
      if (!has(node, token)) throw new PatchError(`no key ${token}`);
      if (op.op === "remove") delete copy[token];
      else copy[token] = op.value;
    } else {
      copy[token] = op.value;
    }
    return copy;
  }
  throw new PatchError(`cannot go into ${typeof node} at ${token}`);
}

export function applyPatch(doc, ops) {
  for (const op of ops) {
    if (!["add", "replace", "remove"].includes(op.op) || typeof op.path !== "string") {
      throw new PatchError(`unsupported operation ${op.op}`);
    }
    if (op.path === "") {
      if (op.op === "remove") throw new PatchError("cannot remove the whole document");
      doc = op.value;
    } else if (!op.path.startsWith("/")) {
      throw new PatchError(`bad path ${op.path}`);
    } else {
      doc = set(doc, op.path.slice(1).split("/").map(unescape), op);
    }
  }
  return doc;
}
