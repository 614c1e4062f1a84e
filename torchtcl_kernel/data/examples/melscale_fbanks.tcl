# 6 mel filters over the 33 bins of a 64-point FFT at 8 kHz; each row is one triangle.
set fb [torch::melscale_fbanks 33 6 8000]
puts "shape [torch::tensor_shape $fb]"
puts "row peaks [torch::tensor_print [torch::tensor_max $fb 1]]"
set fb2 [torch::melscaleFbanks -nFreqs 33 -nMels 6 -sampleRate 8000 -fMin 100 -norm slaney -melScale slaney]
puts "slaney shape [torch::tensor_shape $fb2]"
