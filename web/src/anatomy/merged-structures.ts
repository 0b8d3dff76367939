import {
  BufferAttribute,
  BufferGeometry,
  Color,
  DoubleSide,
  FrontSide,
  Matrix3,
  Matrix4,
  Mesh,
  MeshStandardMaterial,
  Vector3,
  type Material,
  type Object3D,
} from 'three';

/**
 * All structures of an anatomy model in one mesh: one draw call instead of
 * one per structure. An atlas has many (AAL: 116, more than the whole
 * ~100-draw-call budget of a Quest-class headset, and twice that for two
 * eyes), and a draw call costs the same CPU time whatever its size. Each
 * structure keeps its colour as vertex colours, and its triangles stay
 * together, so the structure under a picked triangle is found from the
 * triangle's index (`structureAtTriangle`).
 */
export interface MergedStructures {
  mesh: Mesh<BufferGeometry, MeshStandardMaterial>;
  /** The first triangle of each structure, ascending; structure i ends where i + 1 starts. */
  firstTriangle: Uint32Array;
}

const toFrame = new Matrix4();
const normalMatrix = new Matrix3();
const point = new Vector3();
const colour = new Color();

/**
 * Bakes `meshes` (with their world transforms, expressed in `frame`'s
 * coordinates) into one indexed mesh with positions, normals and vertex
 * colours. The source meshes are left as they were.
 */
export function mergeStructures(meshes: readonly Mesh[], frame: Object3D): MergedStructures {
  frame.updateWorldMatrix(true, true);
  const frameInverse = new Matrix4().copy(frame.matrixWorld).invert();
  let vertexCount = 0;
  let triangleCount = 0;
  for (const mesh of meshes) {
    const count = mesh.geometry.getAttribute('position').count;
    vertexCount += count;
    triangleCount += Math.floor((mesh.geometry.index?.count ?? count) / 3);
  }
  const positions = new Float32Array(vertexCount * 3);
  const normals = new Float32Array(vertexCount * 3);
  const colours = new Float32Array(vertexCount * 3);
  const index = new Uint32Array(triangleCount * 3);
  const firstTriangle = new Uint32Array(meshes.length);
  let everyMeshHasNormals = true;
  let vertexBase = 0;
  let triangleBase = 0;
  meshes.forEach((mesh, m) => {
    toFrame.multiplyMatrices(frameInverse, mesh.matrixWorld);
    normalMatrix.getNormalMatrix(toFrame);
    const geometry = mesh.geometry;
    const position = geometry.getAttribute('position');
    const normal = geometry.getAttribute('normal');
    if (normal === undefined) everyMeshHasNormals = false;
    colourOf(firstMaterial(mesh), colour);
    for (let v = 0; v < position.count; v++) {
      const at = 3 * (vertexBase + v);
      // fromBufferAttribute undoes KHR_mesh_quantization's normalized integers.
      point.fromBufferAttribute(position, v).applyMatrix4(toFrame).toArray(positions, at);
      if (normal !== undefined) point.fromBufferAttribute(normal, v).applyMatrix3(normalMatrix).normalize().toArray(normals, at);
      colour.toArray(colours, at);
    }
    firstTriangle[m] = triangleBase;
    const source = geometry.index;
    const indices = Math.floor((source?.count ?? position.count) / 3) * 3;
    for (let k = 0; k < indices; k++) index[3 * triangleBase + k] = vertexBase + (source === null ? k : source.getX(k));
    vertexBase += position.count;
    triangleBase += indices / 3;
  });
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(positions, 3));
  geometry.setAttribute('color', new BufferAttribute(colours, 3));
  geometry.setIndex(new BufferAttribute(index, 1));
  if (everyMeshHasNormals) geometry.setAttribute('normal', new BufferAttribute(normals, 3));
  else geometry.computeVertexNormals();
  geometry.computeBoundingBox();
  geometry.computeBoundingSphere();
  const template = meshes.length > 0 ? firstMaterial(meshes[0]!) : null;
  const material = new MeshStandardMaterial({
    vertexColors: true,
    roughness: template instanceof MeshStandardMaterial ? template.roughness : 0.8,
    metalness: template instanceof MeshStandardMaterial ? template.metalness : 0,
    side: template?.side === DoubleSide ? DoubleSide : FrontSide,
  });
  const mesh = new Mesh(geometry, material);
  mesh.name = 'anatomy-structures';
  return { mesh, firstTriangle };
}

/** The structure a triangle of the merged mesh belongs to (binary search over the first triangles). */
export function structureAtTriangle(firstTriangle: Uint32Array, triangle: number): number {
  let low = 0;
  let high = firstTriangle.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (firstTriangle[middle]! <= triangle) low = middle;
    else high = middle - 1;
  }
  return low;
}

function firstMaterial(mesh: Mesh): Material | null {
  const material = Array.isArray(mesh.material) ? mesh.material[0] : mesh.material;
  return material ?? null;
}

function colourOf(material: Material | null, out: Color): Color {
  const colourful = material as (Material & { color?: Color }) | null;
  return colourful?.color instanceof Color ? out.copy(colourful.color) : out.setRGB(1, 1, 1);
}
