import { areaMessages } from '../../i18n/area';

/** The texts of this area's pages, in the six languages; keys start with 'developer.'. */
export default areaMessages({}, { de: {}, fr: {}, es: {}, it: {}, pt: {} });
