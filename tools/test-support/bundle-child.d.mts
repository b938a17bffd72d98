// Types for bundle-child.mjs, so the packages' tests can import it.
export declare function bundleChild(entry: string): Promise<string>;
export declare function removeChild(file: string): Promise<void>;
