// Types for the untyped `databank` package (the storage interface and driver
// registry). Only what we use is declared.
declare module "databank" {
  type Callback<T = unknown> = (err: Error | null, value?: T) => void;

  export interface TypeSchema {
    pkey: string;
    fields?: string[];
    indices?: string[];
  }
  export type Schema = Record<string, TypeSchema>;

  export interface DatabankParams {
    schema?: Schema;
    [key: string]: unknown;
  }

  /** A databank driver instance (callback API). */
  export interface DatabankInstance {
    schema?: Schema;
    connect(params: object, cb: (err: Error | null) => void): void;
    disconnect(cb: (err: Error | null) => void): void;
    create(type: string, id: string, value: unknown, cb: Callback): void;
    read(type: string, id: string, cb: Callback): void;
    update(type: string, id: string, value: unknown, cb: Callback): void;
    save(type: string, id: string, value: unknown, cb: Callback): void;
    del(type: string, id: string, cb: (err: Error | null) => void): void;
    search(type: string, criteria: Record<string, unknown>, onResult: (value: any) => void, cb: (err: Error | null) => void): void;
    scan(type: string, onResult: (value: any) => void, cb: (err: Error | null) => void): void;
    readAll(type: string, ids: string[], cb: Callback<Record<string, unknown>>): void;
    incr(type: string, id: string, cb: Callback<number>): void;
    decr(type: string, id: string, cb: Callback<number>): void;
    incrBy(type: string, id: string, n: number, cb: Callback<number>): void;
    decrBy(type: string, id: string, n: number, cb: Callback<number>): void;
    append(type: string, id: string, item: unknown, cb: (err: Error | null) => void): void;
    prepend(type: string, id: string, item: unknown, cb: (err: Error | null) => void): void;
    appendAll(type: string, id: string, items: unknown[], cb: (err: Error | null) => void): void;
    prependAll(type: string, id: string, items: unknown[], cb: (err: Error | null) => void): void;
    item(type: string, id: string, index: number, cb: Callback): void;
    slice(type: string, id: string, start: number, end: number, cb: Callback<unknown[]>): void;
    indexOf(type: string, id: string, item: unknown, cb: Callback<number>): void;
    remove(type: string, id: string, item: unknown, cb: (err: Error | null) => void): void;
    removeAll(type: string, id: string, items: unknown[], cb: (err: Error | null) => void): void;
    length(type: string, id: string, cb: Callback<number>): void;
    truncate(type: string, id: string, length: number, cb: (err: Error | null) => void): void;
  }

  export interface DatabankConstructor {
    new (params: DatabankParams): DatabankInstance;
    prototype: DatabankInstance;
  }

  export const Databank: DatabankConstructor & {
    register(name: string, cls: DatabankConstructor | Function): void;
    get(driver: string, params: DatabankParams): DatabankInstance;
    drivers: Record<string, Function>;
    deepProperty(object: unknown, property: string): unknown;
  };

  export class DatabankError extends Error {}
  export class NotImplementedError extends DatabankError {}
  export class NoSuchThingError extends DatabankError {
    constructor(type: string, id: string);
    type: string;
    id: string;
  }
  export class AlreadyExistsError extends DatabankError {
    constructor(type: string, id: string);
    type: string;
    id: string;
  }
  export class AlreadyConnectedError extends DatabankError {}
  export class NotConnectedError extends DatabankError {}
  export class NoSuchItemError extends DatabankError {
    constructor(type: string, id: string, item: unknown);
  }
  export class WrongTypeError extends DatabankError {
    constructor(type: string, id: string, expected: string);
  }
  export const DatabankObject: any;
  export function DriverTest(driver: string, params: DatabankParams): any;
}
