// The preset Expo uses when there is no babel config; written out so jest-expo finds it too.
module.exports = function babelConfig(api) {
  api.cache(true);
  return { presets: ['babel-preset-expo'] };
};
