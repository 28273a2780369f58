// Maps the @fillwire/* aliases of tsconfig.base.json for Jest, so the two never disagree.
const path = require('node:path');
const { paths } = require('../../tsconfig.base.json').compilerOptions;

function pathsToModuleNameMapper() {
  const mapper = {};
  for (const [alias, [target]] of Object.entries(paths)) {
    mapper[`^${alias.replace('/', '\\/')}$`] = path.join(__dirname, '..', '..', target);
  }
  return mapper;
}

module.exports = { pathsToModuleNameMapper };
