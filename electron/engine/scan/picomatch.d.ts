// picomatch ships no types and @types/picomatch is not installed: the slice of its API the crawler uses.
declare module 'picomatch' {
  namespace picomatch {
    type Matcher = (test: string) => boolean;
    interface PicomatchOptions {
      dot?: boolean;
      nocase?: boolean;
      windows?: boolean;
    }
  }
  function picomatch(glob: string | string[], options?: picomatch.PicomatchOptions): picomatch.Matcher;
  export default picomatch;
}
