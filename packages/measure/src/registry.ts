import { MeasureError, type MeasureErrorCode } from './errors';
import { BUILTIN_DATA_SOURCES, BUILTIN_MODELS, BUILTIN_STORAGES, BUILTIN_TRANSFORMS } from './models/builtin';
import type { ModelAdapter } from './models/model';
import type { DataSourceAdapter } from './sources/source';
import type { StorageFactory } from './storage/storage';
import type { TransformAdapter } from './transforms/transform';

/**
 * A name → adapter map that refuses duplicates (`REGISTRY_DUPLICATE`) and reports unknown names with the
 * list of known ones.
 */
export class Registry<T extends { name: string }> {
  readonly #items = new Map<string, T>();

  constructor(
    private readonly kind: string,
    private readonly unknownCode: MeasureErrorCode,
    private readonly parameter: string,
  ) {}

  /** Add an adapter; throws `REGISTRY_DUPLICATE` when the name is taken. */
  register(item: T): void {
    if (this.#items.has(item.name)) {
      throw new MeasureError(
        'REGISTRY_DUPLICATE',
        `a ${this.kind} named "${item.name}" is already registered`,
        {
          parameter: this.parameter,
        },
      );
    }
    this.#items.set(item.name, item);
  }

  /** The adapter with this name; throws the registry's unknown-name code listing the known names. */
  get(name: string): T {
    const item = this.#items.get(name);
    if (item === undefined) {
      throw new MeasureError(
        this.unknownCode,
        `unknown ${this.kind} "${name}" (known: ${this.names().join(', ') || 'none'})`,
        {
          parameter: this.parameter,
        },
      );
    }
    return item;
  }

  has(name: string): boolean {
    return this.#items.has(name);
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this.#items.keys()].sort();
  }
}

// biome-ignore lint/suspicious/noExplicitAny: adapters of any parameter type live in one registry
type AnyModel = ModelAdapter<any>;
// biome-ignore lint/suspicious/noExplicitAny: adapters of any parameter type live in one registry
type AnySource = DataSourceAdapter<any>;
// biome-ignore lint/suspicious/noExplicitAny: adapters of any parameter type live in one registry
type AnyTransform = TransformAdapter<any>;
// biome-ignore lint/suspicious/noExplicitAny: adapters of any parameter type live in one registry
type AnyStorage = StorageFactory<any>;

const models = new Registry<AnyModel>('model', 'MODEL_UNKNOWN', 'model.name');
const sources = new Registry<AnySource>('data source', 'DATA_SOURCE_UNKNOWN', 'data.source');
const transforms = new Registry<AnyTransform>('transform', 'TRANSFORM_UNKNOWN', 'transforms[].name');
const storages = new Registry<AnyStorage>('storage', 'STORAGE_UNKNOWN', 'storage.name');

let builtinsLoaded = false;

/** Fill the registries with the built-in adapters on first use (one place: `models/builtin.ts`). */
function ensureBuiltins(): void {
  if (builtinsLoaded) return;
  builtinsLoaded = true;
  for (const model of BUILTIN_MODELS) models.register(model);
  for (const source of BUILTIN_DATA_SOURCES) sources.register(source);
  for (const transform of BUILTIN_TRANSFORMS) transforms.register(transform);
  for (const storage of BUILTIN_STORAGES) storages.register(storage);
}

/**
 * Register a model adapter under its `name`; refuses duplicates (built-in names included).
 *
 * @example
 * ```ts
 * registerModel(defineModel({ name: 'my_model', modelType: 'observational', paramsSchema, fit }));
 * ```
 */
export function registerModel(adapter: AnyModel): void {
  ensureBuiltins();
  models.register(adapter);
}

/**
 * The model registered under `name`; throws `MODEL_UNKNOWN` listing the known names.
 *
 * @example
 * ```ts
 * const model = getModel('experiment');
 * ```
 */
export function getModel(name: string): AnyModel {
  ensureBuiltins();
  return models.get(name);
}

/**
 * Names of all registered models.
 *
 * @example
 * ```ts
 * listModels(); // ['experiment', …]
 * ```
 */
export function listModels(): string[] {
  ensureBuiltins();
  return models.names();
}

/**
 * Register a data source adapter (selected by `data.source` in YAML); refuses duplicates.
 *
 * @example
 * ```ts
 * registerDataSource(defineDataSource({ name: 'warehouse', specSchema, load: async (spec) => table }));
 * ```
 */
export function registerDataSource(adapter: AnySource): void {
  ensureBuiltins();
  sources.register(adapter);
}

/**
 * The data source registered under `name`; throws `DATA_SOURCE_UNKNOWN`.
 *
 * @example
 * ```ts
 * getDataSource('file');
 * ```
 */
export function getDataSource(name: string): AnySource {
  ensureBuiltins();
  return sources.get(name);
}

/**
 * Register a transform (selected by `transforms[].name`); refuses duplicates.
 *
 * @example
 * ```ts
 * registerTransform(defineTransform({ name: 'drop_weekends', paramsSchema, apply: (table) => table }));
 * ```
 */
export function registerTransform(adapter: AnyTransform): void {
  ensureBuiltins();
  transforms.register(adapter);
}

/**
 * The transform registered under `name`; throws `TRANSFORM_UNKNOWN`.
 *
 * @example
 * ```ts
 * getTransform('aggregate_by_date');
 * ```
 */
export function getTransform(name: string): AnyTransform {
  ensureBuiltins();
  return transforms.get(name);
}

/**
 * Register a storage factory (selected by `storage.name`); refuses duplicates.
 *
 * @example
 * ```ts
 * registerStorage({ name: 's3', optionsSchema, create: (options) => myS3Storage(options) });
 * ```
 */
export function registerStorage(factory: AnyStorage): void {
  ensureBuiltins();
  storages.register(factory);
}

/**
 * The storage factory registered under `name`; throws `STORAGE_UNKNOWN`.
 *
 * @example
 * ```ts
 * getStorage('filesystem');
 * ```
 */
export function getStorage(name: string): AnyStorage {
  ensureBuiltins();
  return storages.get(name);
}
