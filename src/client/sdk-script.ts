// Loading a gateway's browser SDK (Iamport's IMP, PortOne's PortOne): a <script> that defines one global. One load
// per URL at a time; a failed load is forgotten, so the next attempt tries again.

const loading = new Map<string, Promise<unknown>>();

export function loadSdkScript<T>(url: string, global: () => T | undefined, name: string): Promise<T> {
  const ready = global();
  if (ready) return Promise.resolve(ready);
  let pending = loading.get(url) as Promise<T> | undefined;
  if (!pending) {
    pending = new Promise<T>((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.onload = () => {
        const sdk = global();
        if (sdk) resolve(sdk);
        else reject(new Error(`no ${name}`));
      };
      script.onerror = () => reject(new Error("load failed"));
      document.head.appendChild(script);
    }).catch((e: unknown) => {
      loading.delete(url);
      throw e;
    });
    loading.set(url, pending);
  }
  return pending;
}
