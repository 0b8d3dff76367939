import { Box3, Group, Mesh, Vector3, type Material, type Object3D } from 'three';
import { GLTFLoader } from 'three/addons/loaders/GLTFLoader.js';
import { mergeStructures, structureAtTriangle } from './merged-structures';

/**
 * An anatomy model from a glTF binary (.glb): its structures are its
 * meshes, named as the exporter named them (atlas labels, segment names).
 * They are drawn as one merged mesh (merged-structures.ts), re-centred
 * under one group so the model can be grabbed, turned and scaled about
 * its middle.
 */
export interface AnatomyModel {
  root: Group;
  /** What is drawn and picked: one mesh holding every structure. */
  meshes: Mesh[];
  /** The structures' names for labels, in the order of `firstTriangle`. */
  names: string[];
  /** The first triangle of each structure in the merged mesh. */
  firstTriangle: Uint32Array;
  /** Size of the model's bounding box, metres. */
  size: Vector3;
  /** Where the box's centre was in the file's frame: the model is moved by minus this. */
  centre: Vector3;
}

/** Loads a .glb from a URL (the server's imaging routes, or any same-origin file). */
export async function loadAnatomyModel(url: string): Promise<AnatomyModel> {
  const gltf = await new GLTFLoader().loadAsync(url);
  return wrapModel(gltf.scene);
}

/** Parses a .glb already in memory (tests, drag and drop). */
export async function parseAnatomyModel(glb: ArrayBuffer): Promise<AnatomyModel> {
  const gltf = await new GLTFLoader().parseAsync(glb, '');
  return wrapModel(gltf.scene);
}

function wrapModel(scene: Object3D): AnatomyModel {
  const root = new Group();
  root.name = 'anatomy-model';
  const box = new Box3().setFromObject(scene);
  const centre = box.getCenter(new Vector3());
  scene.position.sub(centre);
  root.add(scene);
  const sources: Mesh[] = [];
  scene.traverse((o) => {
    if (o instanceof Mesh) sources.push(o);
  });
  const names = sources.map(structureName);
  const merged = mergeStructures(sources, root);
  // The file's meshes are baked into the merged one: free them.
  scene.removeFromParent();
  disposeMeshes(sources);
  root.add(merged.mesh);
  return { root, meshes: [merged.mesh], names, firstTriangle: merged.firstTriangle, size: box.getSize(new Vector3()), centre };
}

/** The name of the structure a picked triangle of the model belongs to. */
export function structureNameAt(model: AnatomyModel, triangle: number): string {
  return model.names[structureAtTriangle(model.firstTriangle, triangle)] ?? 'unnamed structure';
}

/** The structure's name for its label: the mesh's, else the nearest named parent's. */
export function structureName(mesh: Object3D): string {
  for (let o: Object3D | null = mesh; o !== null; o = o.parent) {
    if (o.name !== '' && o.name !== 'anatomy-model') return o.name.replace(/_/g, ' ');
  }
  return 'unnamed structure';
}

export function disposeAnatomyModel(model: AnatomyModel): void {
  model.root.removeFromParent();
  disposeMeshes(model.meshes);
}

function disposeMeshes(meshes: readonly Mesh[]): void {
  for (const mesh of meshes) {
    mesh.geometry.dispose();
    const materials: Material[] = Array.isArray(mesh.material) ? mesh.material : [mesh.material];
    for (const m of materials) m.dispose();
  }
}
