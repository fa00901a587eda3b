import type { Located } from './values';

/** Anything defined with an id: model items (backends, chardevs, netdevs, devices) or a front end's record of the ids written. */
export interface Identified {
  id?: Located<string>;
}

interface IdIndex<T> {
  length: number;
  byId: Map<string, T>;
}

// One index per list, rebuilt when the list has grown (front ends append while they read): lookups stay O(1),
// so resolving every reference of a model with thousands of items is linear.
const indexes = new WeakMap<readonly Identified[], IdIndex<Identified>>();

/**
 * The items of `items` by id. The first definition of an id wins: QEMU refuses a second -object,
 * -chardev or -netdev (and object-add, chardev-add, netdev_add) with an id already in use, so the first is the
 * one that exists.
 */
export function idIndex<T extends Identified>(items: readonly T[]): ReadonlyMap<string, T> {
  const cached = indexes.get(items) as IdIndex<T> | undefined;
  if (cached !== undefined && cached.length === items.length) return cached.byId;
  const byId = new Map<string, T>();
  for (const item of items) {
    const id = item.id?.value;
    if (id !== undefined && !byId.has(id)) byId.set(id, item);
  }
  indexes.set(items, { length: items.length, byId });
  return byId;
}

/**
 * The item an id reference names (`memdev=`, `chardev=`, `netdev=`, `-machine memory-backend=`, a NUMA node's
 * memdev), looked up in the list of what may be named: `resolveRef(model.backends, device.memdev)`. Undefined
 * when nothing has that id (MS905 for the QEMU front end) or there is no reference.
 */
export function resolveRef<T extends Identified>(items: readonly T[], ref: Located<string> | string | null | undefined): T | undefined {
  if (ref === null || ref === undefined) return undefined;
  return idIndex(items).get(typeof ref === 'string' ? ref : ref.value);
}
